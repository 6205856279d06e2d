"""ingest.read_folder on a hostile folder: every file accounted for, specific reasons, stable output."""

import codecs
import hashlib
import io
import os
import shutil
import zipfile
from datetime import UTC
from pathlib import Path

import polars as pl
import pytest

import ingest
from ingest import (
    DEFAULT_EXTENSIONS,
    FILES_SCHEMA,
    QUARANTINE_SCHEMA,
    UNCHANGED_SCHEMA,
    article_id_for,
    read_changed,
    read_folder,
)
from ingest.decode import decode_bytes
from ingest.errors import Quarantined
from ingest.html_text import extract_article_text, looks_like_html
from ingest.normalize import normalize_text
from ingest.read import file_extension

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
ENGLISH = (SAMPLES / "004_314dca051041c344.txt").read_text(encoding="utf-8")
MAX_BYTES = 1_000_000
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
LOADED = "loaded"

# (file name, codec the bytes are written in, codec read_folder should report, foreign line)
ENCODED = [
    ("korean_cp949.txt", "cp949", "cp949", "【실리콘밸리=홍창기 특파원】"),
    ("korean_euckr.txt", "euc_kr", "cp949", "엔비디아 H20 칩을 중국에 수출한다"),
    ("chinese_gb18030.txt", "gb18030", "gb18030", "美国商务部长卢特尼克表示"),
    ("chinese_gbk.txt", "gbk", "gb18030", "英伟达公司"),
    ("chinese_big5.txt", "big5", "cp950", "美國商務部長盧特尼克"),
    ("japanese_shiftjis.txt", "shift_jis", "cp932", "エヌビディア"),
    ("latin1_cafe.txt", "latin-1", "cp1252", "Le café de Zürich, déjà vu"),
    ("cp1252_quotes.txt", "cp1252", "cp1252", "He said “no comment” – twice…"),
]


def article(label: str, extra: str = "") -> str:
    """A distinct, already-normalized article text (English sample + a label + optional extra line)."""
    return f"{label}\n{ENGLISH}\n{extra}\n" if extra else f"{label}\n{ENGLISH}\n"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256))


def pdf_bytes() -> bytes:
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("article.txt", ENGLISH)
    return buffer.getvalue()


def build_hostile_folder(base: Path) -> tuple[Path, dict[str, str], dict[str, str]]:
    """The folder, {source_name: expected reason or LOADED}, {source_name: expected text}."""
    root = base / "input"
    root.mkdir()
    expected: dict[str, str] = {}
    texts: dict[str, str] = {}

    def put(name: str, data: bytes, outcome: str, text: str | None = None) -> Path:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expected[name] = outcome
        if text is not None:
            texts[name] = text
        return path

    for sample in sorted(SAMPLES.glob("*.txt")):
        put(sample.name, sample.read_bytes(), LOADED, sample.read_text(encoding="utf-8"))

    # Unicode encodings with and without a byte-order mark.
    bom_text = article("UTF-8 with BOM", "Überraschung: naïve résumé")
    put("encodings/utf8_bom.txt", codecs.BOM_UTF8 + bom_text.encode(), LOADED, bom_text)
    le_text, be_text, nobom_text = article("UTF-16 LE"), article("UTF-16 BE"), article("UTF-16 no BOM")
    put("encodings/utf16le_bom.txt", codecs.BOM_UTF16_LE + le_text.encode("utf-16-le"), LOADED, le_text)
    put("encodings/utf16be_bom.txt", codecs.BOM_UTF16_BE + be_text.encode("utf-16-be"), LOADED, be_text)
    put("encodings/utf16le_nobom.txt", nobom_text.encode("utf-16-le"), LOADED, nobom_text)

    # Legacy encodings: the English sample plus one foreign line, re-encoded.
    for name, write_codec, _, line in ENCODED:
        text = article(name, line)
        put(f"encodings/{name}", text.encode(write_codec), LOADED, text)
    # The same text as latin1_cafe.txt, but in UTF-8: a duplicate across encodings.
    cafe = article("latin1_cafe.txt", "Le café de Zürich, déjà vu")
    put("encodings/utf8_cafe.txt", cafe.encode(), f"duplicate_of:{article_id_for(sha(cafe))}")

    # Mixed: UTF-8 lines and one cp1252 line in the same file.
    head, cp1252_line = article("Mixed encodings: “curly” UTF-8 quotes"), "He said “hello” – ok.\n"
    put(
        "encodings/mixed_utf8_cp1252.txt",
        head.encode() + cp1252_line.encode("cp1252"),
        LOADED,
        head + cp1252_line,
    )

    # Control characters, NULs, CRLF, bidi marks: stripped, the text itself unchanged.
    put(
        "encodings/control_chars.txt",
        article("Control\x07 chars\x1b here\u200f", "tab\tstays").replace("\n", "\r\n").encode(),
        LOADED,
        article("Control chars here", "tab\tstays"),
    )
    put("encodings/nul_bytes.txt", article("NUL\x00 bytes\x00").encode(), LOADED, article("NUL bytes"))
    put("encodings/nfd_accents.txt", article("Cafe\u0301 NFD").encode(), LOADED, article("Café NFD"))

    # Hostile-but-valid content is passed on verbatim.
    sql = article("SQL", "Robert'); DROP TABLE articles; -- \"quoted\" 'x' OR 1=1; SELECT * FROM files;")
    put("content/sql_looking.txt", sql.encode(), LOADED, sql)
    quotes = "“" * 50_000 + "He said " + '"' * 100_000 + " done.\n"
    put("content/thousands_of_quotes.txt", quotes.encode(), LOADED, quotes)
    long_line = ("word " * 150_000).strip() + "\n"
    put("content/one_huge_line.txt", long_line.encode(), LOADED, long_line)

    # HTML, by extension and by sniffing.
    html = (
        "<!DOCTYPE html><html><head><title>Site | Chip exports</title><style>p{color:red}</style>"
        "<script>var tracking = 'SECRET';</script></head><body><nav>Home | World</nav>"
        "<article><h1>Chip exports resume</h1><p>The H20 chip will be <b>sold</b> again.</p>"
        "<p>Lutnick said &ldquo;it is an old chip&rdquo;.<br>Second line.</p></article>"
        "<footer>© 2025 Example News</footer></body></html>"
    )
    html_text = "\n".join(
        [
            "Chip exports resume",
            "The H20 chip will be sold again.",
            "Lutnick said “it is an old chip”.",
            "Second line.",
        ]
    )
    put("html/article.html", html.encode(), LOADED, html_text)
    put(
        "html/saved_page.txt",
        html.replace("resume", "resumed").encode("utf-16"),
        LOADED,
        html_text.replace("resume", "resumed"),
    )
    put("html/empty_page.htm", b"<html><body><script>x()</script></body></html>", "empty")

    # Names: nested folders, spaces, non-ASCII, no extension, dots that are not extensions.
    for name in (
        "nested/a/b/c/deep article.txt",
        "names/with spaces.txt",
        "names/기사 한국어.txt",
        "names/NO_EXTENSION",
        "names/Dr. Who interview",
        "names/UPPER.TXT",
    ):
        text = article(name)
        put(name, text.encode(), LOADED, text)

    # Quarantined, each with its specific reason.
    put("empty.txt", b"", "empty")
    put("whitespace_only.txt", b" \r\n\t\n\xc2\xa0 \n", "empty")
    put("binary/photo_png.txt", png_bytes(), "binary")
    put("binary/report_pdf.txt", pdf_bytes(), "binary")
    put("binary/archive_zip", zip_bytes(), "binary")
    put("binary/nul_heavy.txt", b"ab\x00\x00\x00\x01\x02" * 200, "binary")
    put("binary/photo.png", png_bytes(), "not_text")
    put("data/table.csv", b"a,b\n1,2\n", "not_text")
    put("logs/run.log", b"INFO started\n", "not_text")
    put("too_large.txt", b"x" * (MAX_BYTES + 1), "too_large")
    put("undecodable.txt", bytes(range(0x80, 0x100)) * 40, "undecodable")
    put(".hidden.txt", b"hidden text", "hidden")
    put(".git/config", b"[core]", "hidden")
    put(".git/objects/ab/cdef", b"\x78\x9c", "hidden")
    put(
        "duplicates/copy of 000.txt",
        (SAMPLES / "000_765f0c137831a026.txt").read_bytes(),
        f"duplicate_of:{article_id_for(sha((SAMPLES / '000_765f0c137831a026.txt').read_text()))}",
    )

    locked = put("locked.txt", article("locked").encode(), LOADED if IS_ROOT else "unreadable")
    locked.chmod(0)
    if IS_ROOT:
        texts["locked.txt"] = article("locked")

    # A file name that is not valid UTF-8 (Linux allows any bytes).
    raw_name = os.path.join(os.fsencode(root), b"names", b"caf\xe9 latin1 name.txt")
    with open(raw_name, "wb") as handle:
        handle.write(article("raw name").encode())
    expected["names/caf\\xe9 latin1 name.txt"] = LOADED
    texts["names/caf\\xe9 latin1 name.txt"] = article("raw name")

    # Symlinks: to a file inside (followed), outside, broken, a self-loop, folders.
    outside = base / "outside.txt"
    outside.write_text("secret outside the input folder")
    links = root / "links"
    links.mkdir()
    (links / "inside_link.txt").symlink_to(root / "content/sql_looking.txt")  # sorts after its target
    expected["links/inside_link.txt"] = f"duplicate_of:{article_id_for(sha(sql))}"
    (links / "outside_link.txt").symlink_to(outside)
    expected["links/outside_link.txt"] = "symlink_outside"
    (links / "outside_dir").symlink_to(base, target_is_directory=True)
    expected["links/outside_dir"] = "symlink_outside"
    (links / "broken.txt").symlink_to(root / "does-not-exist.txt")
    expected["links/broken.txt"] = "unreadable"
    (links / "self_loop.txt").symlink_to(links / "self_loop.txt")
    expected["links/self_loop.txt"] = "unreadable"
    (links / "to_root").symlink_to(root, target_is_directory=True)
    expected["links/to_root"] = "symlink_dir"
    (links / "to_nested").symlink_to(root / "nested", target_is_directory=True)
    expected["links/to_nested"] = "symlink_dir"

    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe.txt")
        expected["pipe.txt"] = "not_text"
    return root, expected, texts


@pytest.fixture
def hostile(tmp_path):
    root, expected, texts = build_hostile_folder(tmp_path)
    files, quarantine = read_folder(root, max_bytes=MAX_BYTES)
    return root, expected, texts, files, quarantine


def test_frames_have_the_contract_columns_and_types(hostile):
    *_, files, quarantine = hostile
    assert files.schema == FILES_SCHEMA
    assert quarantine.schema == QUARANTINE_SCHEMA
    assert files.columns == [
        "source_name",
        "text",
        "content_hash",
        "encoding",
        "input_format",
        "size_bytes",
        "mtime",
    ]
    assert quarantine.columns == ["source_name", "reason", "detail"]


def test_every_file_is_in_exactly_one_frame(hostile):
    root, expected, _, files, quarantine = hostile
    loaded, refused = files["source_name"].to_list(), quarantine["source_name"].to_list()
    assert len(loaded) == len(set(loaded)) and len(refused) == len(set(refused))
    assert not set(loaded) & set(refused)
    assert set(loaded) | set(refused) == set(expected)
    # Independently of the fixture's bookkeeping: every non-folder entry on disk is accounted for.
    on_disk = set()
    for dirpath, dirnames, filenames in os.walk(os.fsencode(root)):
        rel = os.path.relpath(dirpath, os.fsencode(root))
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            path = os.path.normpath(os.path.join(rel, name)).decode("utf-8", "backslashreplace")
            on_disk.add(path)
    assert on_disk == set(loaded) | set(refused)


def test_each_file_gets_its_specific_outcome(hostile):
    _, expected, _, files, quarantine = hostile
    actual = dict.fromkeys(files["source_name"], LOADED) | dict(
        quarantine.select("source_name", "reason").iter_rows()
    )
    assert actual == expected
    assert quarantine["detail"].str.len_chars().min() > 10  # a sentence, not a code
    assert not quarantine.filter(pl.col("reason") == "extraction_error").height


def test_loaded_texts_are_decoded_exactly(hostile):
    _, _, texts, files, _ = hostile
    got = dict(files.select("source_name", "text").iter_rows())
    for name, text in texts.items():
        assert got[name] == text, name
    assert files["content_hash"].to_list() == [sha(text) for text in files["text"]]


@pytest.mark.parametrize(("name", "written", "reported", "line"), ENCODED)
def test_reencoded_text_hashes_like_the_utf8_original(hostile, name, written, reported, line):
    *_, files, _ = hostile
    row = files.row(by_predicate=pl.col("source_name") == f"encodings/{name}", named=True)
    assert row["encoding"] == reported
    assert row["content_hash"] == sha(article(name, line))
    assert line in row["text"]


def test_encodings_and_formats_are_recorded(hostile):
    *_, files, _ = hostile
    row = {
        name: (enc, fmt)
        for name, enc, fmt in files.select("source_name", "encoding", "input_format").iter_rows()
    }
    assert row["000_765f0c137831a026.txt"] == ("utf-8", "text")
    assert row["encodings/utf8_bom.txt"] == ("utf-8-sig", "text")
    assert row["encodings/utf16le_bom.txt"] == ("utf-16-le", "text")
    assert row["encodings/utf16be_bom.txt"] == ("utf-16-be", "text")
    assert row["encodings/utf16le_nobom.txt"] == ("utf-16-le", "text")
    assert row["encodings/mixed_utf8_cp1252.txt"] == ("utf-8+cp1252", "text")
    assert row["html/article.html"] == ("utf-8", "html")
    assert row["html/saved_page.txt"] == ("utf-16-le", "html")


def test_sizes_and_mtimes_come_from_disk(hostile):
    root, _, _, files, _ = hostile
    row = files.row(by_predicate=pl.col("source_name") == "encodings/utf16le_bom.txt", named=True)
    stat = (root / "encodings/utf16le_bom.txt").stat()
    assert row["size_bytes"] == stat.st_size
    assert abs(row["mtime"].replace(tzinfo=UTC).timestamp() - stat.st_mtime) < 1e-3


def test_a_second_call_gives_identical_frames(hostile):
    root, _, _, files, quarantine = hostile
    again_files, again_quarantine = read_folder(root, max_bytes=MAX_BYTES)
    assert again_files.equals(files)
    assert again_quarantine.equals(quarantine)


def test_permission_denied_and_vanished_files_are_unreadable(tmp_path, monkeypatch):
    for name in ("a.txt", "denied.txt", "vanishes.txt"):
        (tmp_path / name).write_text(article(name))
    real_open = os.open

    def flaky_open(path, flags, *args, **kwargs):
        if str(path).endswith("denied.txt"):
            raise PermissionError(13, "Permission denied")
        if str(path).endswith("vanishes.txt"):
            os.unlink(path)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", flaky_open)
    files, quarantine = read_folder(tmp_path)
    assert files["source_name"].to_list() == ["a.txt"]
    assert dict(quarantine.select("source_name", "reason").iter_rows()) == {
        "denied.txt": "unreadable",
        "vanishes.txt": "unreadable",
    }
    assert "Permission denied" in quarantine["detail"][0]


def test_an_unlistable_subfolder_is_reported(tmp_path, monkeypatch):
    (tmp_path / "ok.txt").write_text(article("ok"))
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "inside.txt").write_text(article("inside"))
    real_list = ingest.discover._list_dir

    def list_dir(directory):
        if directory.endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_list(directory)

    monkeypatch.setattr(ingest.discover, "_list_dir", list_dir)
    files, quarantine = read_folder(tmp_path)
    assert files["source_name"].to_list() == ["ok.txt"]
    assert quarantine.rows() == [("locked/", "unreadable", "Folder cannot be listed: Permission denied.")]


def test_limits_and_extensions_are_configurable(tmp_path):
    (tmp_path / "exact.txt").write_bytes(b"x" * 100)
    (tmp_path / "over.txt").write_bytes(b"y" * 101)
    (tmp_path / "table.csv").write_bytes(b"a,b\n1,2\n")
    (tmp_path / "plain").write_bytes(b"no extension")
    files, quarantine = read_folder(tmp_path, max_bytes=100, extensions=("CSV", ".TXT"))
    assert files["source_name"].to_list() == ["exact.txt", "table.csv"]
    assert dict(quarantine.select("source_name", "reason").iter_rows()) == {
        "over.txt": "too_large",
        "plain": "not_text",
    }
    assert DEFAULT_EXTENSIONS == (".txt", ".text", ".md", ".html", ".htm", "")


def test_empty_folder_and_missing_folder(tmp_path):
    files, quarantine = read_folder(tmp_path)
    assert (files.height, quarantine.height) == (0, 0)
    assert files.schema == FILES_SCHEMA
    with pytest.raises(NotADirectoryError):
        read_folder(tmp_path / "missing")


def test_article_id_is_the_hash_prefix():
    digest = sha("text")
    assert article_id_for(digest) == digest[:16]
    with pytest.raises(ValueError):
        article_id_for("abc")


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("a.txt", ".txt"),
        ("dir.v2/README", ""),
        ("Dr. Who", ""),
        ("v1.2", ""),
        ("x.tar.GZ", ".gz"),
        ("a/b.HTM", ".htm"),
    ],
)
def test_file_extension(name, extension):
    assert file_extension(name) == extension


def test_normalize_text_gives_one_form():
    assert normalize_text("\ufeffa\r\nb\rc\u2028d\x00\x85e\u202ef") == "a\nb\nc\nd\nef"
    assert normalize_text("e\u0301") == "é"
    assert normalize_text("tab\tkept\n") == "tab\tkept\n"


def test_short_cjk_texts_are_not_misguessed():
    for text, codec, expected in [
        ("실리콘밸리=홍창기 특파원", "cp949", "cp949"),
        ("美国商务部长卢特尼克", "gb18030", "gb18030"),
        ("美國商務部長盧特尼克", "big5", "cp950"),
        ("エヌビディア", "shift_jis", "cp932"),
        ("café", "latin-1", "cp1252"),
        ("英伟达公司", "gbk", "gb18030"),  # cp949 also decodes it, as Hangul mixed with Hanja
        ("美 상무부는 검토 중이다", "cp949", "cp949"),  # a standalone Hanja in Korean text
        ("ことを受けて", "euc_jp", "euc_jp"),  # Big5 also decodes it, as common Hanzi
        ("prendra dès l'ét", "cp1252", "cp1252"),  # Big5 also decodes it: 'd' + Hanzi + ' l'
    ]:
        decoded = decode_bytes(text.encode(codec))
        assert (decoded.text, decoded.encoding) == (text, expected)


def test_declared_html_charset_is_used():
    # Two Hanzi alone are ambiguous (they also decode as two Hangul in cp949); the page says gbk.
    page = '<html><head><meta charset="gbk"></head><body><p>美国</p></body></html>'
    decoded = decode_bytes(page.encode("gbk"))
    assert (decoded.encoding, decoded.text) == ("gb18030", page)


def test_garbage_is_undecodable():
    with pytest.raises(Quarantined) as caught:
        decode_bytes(bytes(range(0x80, 0x100)) * 4)
    assert caught.value.reason == "undecodable"


def test_html_extraction_drops_chrome():
    page = "<html><body><nav>Menu</nav><div>Intro <i>text</i></div><p>Para</p><footer>Foot</footer></body>"
    assert looks_like_html("  <!DOCTYPE HTML>\n<html>")
    assert not looks_like_html("An article that mentions <html> tags.")
    assert extract_article_text(page) == "Intro text\nPara"
    deep = "<div>" * 5000 + "deep text" + "</div>" * 5000
    assert extract_article_text(deep) == "deep text"


def test_samples_folder_loads_cleanly(tmp_path):
    shutil.copytree(SAMPLES, tmp_path / "s")
    files, quarantine = read_folder(tmp_path / "s")
    assert files.height == 5 and quarantine.height == 0
    assert set(files["encoding"]) == {"utf-8"}


def known_of(files: pl.DataFrame) -> pl.DataFrame:
    """The `known` frame of an earlier read: what a rerun passes to read_changed."""
    return files.select(UNCHANGED_SCHEMA.names())


def spy_on_opens(monkeypatch) -> list[str]:
    """Record every file that os.open is asked to open (root ignores chmod 000, so also watch)."""
    opened: list[str] = []
    real_open = os.open

    def recording_open(path, flags, *args, **kwargs):
        opened.append(os.path.basename(os.fsdecode(path)))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", recording_open)
    return opened


def test_read_changed_skips_unchanged_files(tmp_path, monkeypatch):
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(article(name))
    known = known_of(read_folder(tmp_path)[0])
    (tmp_path / "a.txt").chmod(0)  # unchanged: must not even be opened
    b_stat = (tmp_path / "b.txt").stat()
    os.utime(tmp_path / "b.txt", ns=(b_stat.st_atime_ns, b_stat.st_mtime_ns + 5_000_000_000))  # touched
    (tmp_path / "d.txt").write_text(article("d.txt"))  # new
    opened = spy_on_opens(monkeypatch)

    files, quarantine, unchanged = read_changed(tmp_path, known)
    monkeypatch.undo()
    (tmp_path / "a.txt").chmod(0o644)

    assert sorted(opened) == ["b.txt", "d.txt"]
    assert unchanged.schema == UNCHANGED_SCHEMA
    assert unchanged.equals(known.filter(pl.col("source_name").is_in(["a.txt", "c.txt"])))
    assert files.schema == FILES_SCHEMA and quarantine.height == 0
    full_files, full_quarantine = read_folder(tmp_path)
    assert files.equals(full_files.filter(pl.col("source_name").is_in(["b.txt", "d.txt"])))
    assert files.filter(pl.col("source_name") == "b.txt")["mtime"].item() != known["mtime"][1]


def test_read_changed_without_known_files_is_read_folder(hostile):
    root, *_, files, quarantine = hostile
    again_files, again_quarantine, unchanged = read_changed(
        root, pl.DataFrame(schema=UNCHANGED_SCHEMA), max_bytes=MAX_BYTES
    )
    assert again_files.equals(files) and again_quarantine.equals(quarantine)
    assert unchanged.height == 0 and unchanged.schema == UNCHANGED_SCHEMA


def test_read_changed_on_the_hostile_folder_moves_only_loaded_rows(hostile):
    root, _, _, files, quarantine = hostile
    known = known_of(files)
    again_files, again_quarantine, unchanged = read_changed(root, known, max_bytes=MAX_BYTES)
    assert again_files.height == 0
    assert again_quarantine.equals(quarantine)  # hidden, symlinks, binary, duplicates, ... as before
    assert unchanged.equals(known)


def test_known_files_still_get_decisions_made_before_reading(tmp_path):
    (tmp_path / "big.txt").write_text(article("big"))
    (tmp_path / "table.csv").write_text(article("table"))
    known = known_of(read_folder(tmp_path, extensions=(".txt", ".csv"))[0])
    files, quarantine, unchanged = read_changed(tmp_path, known, max_bytes=100, extensions=(".txt",))
    assert (files.height, unchanged.height) == (0, 0)
    assert dict(quarantine.select("source_name", "reason").iter_rows()) == {
        "big.txt": "too_large",
        "table.csv": "not_text",
    }


def test_duplicates_between_changed_and_unchanged_files(tmp_path):
    (tmp_path / "b_old.txt").write_text(article("same"))
    (tmp_path / "d_old.txt").write_text(article("other"))
    known = known_of(read_folder(tmp_path)[0])
    (tmp_path / "c_new.txt").write_text(article("same"))  # sorts after its unchanged twin
    (tmp_path / "a_new.txt").write_text(article("other"))  # sorts before its unchanged twin
    files, quarantine, unchanged = read_changed(tmp_path, known)
    same, other = article_id_for(sha(article("same"))), article_id_for(sha(article("other")))
    assert files["source_name"].to_list() == ["a_new.txt"]
    assert unchanged["source_name"].to_list() == ["b_old.txt"]
    assert quarantine.rows() == [
        ("c_new.txt", f"duplicate_of:{same}", "Same text as 'b_old.txt', which was loaded."),
        ("d_old.txt", f"duplicate_of:{other}", "Same text as 'a_new.txt', which was loaded."),
    ]
    # The same decisions as reading everything.
    full_files, full_quarantine = read_folder(tmp_path)
    assert full_quarantine.equals(quarantine)
    assert full_files["source_name"].to_list() == ["a_new.txt", "b_old.txt"]


def test_files_moved_into_the_frame_a_few_at_a_time_give_the_same_frames(hostile, monkeypatch):
    import ingest.read

    root, _, _, files, quarantine = hostile
    monkeypatch.setattr(ingest.read, "_FRAME_ROWS", 2)
    again_files, again_quarantine = read_folder(root, max_bytes=MAX_BYTES)
    assert files.height > 2
    assert again_files.equals(files)
    assert again_quarantine.equals(quarantine)


def test_texts_kept_on_disk_read_back_as_the_frame_with_texts(hostile, tmp_path, monkeypatch):
    from polars.testing import assert_frame_equal

    import ingest.read

    root, *_, files, quarantine = hostile
    monkeypatch.setattr(ingest.read, "_FRAME_ROWS", 3)  # several text files, the last one partial
    none_known = pl.DataFrame(schema=ingest.UNCHANGED_SCHEMA)
    lean, lean_quarantine, _ = read_changed(root, none_known, max_bytes=MAX_BYTES, texts_dir=tmp_path / "texts")
    assert "text" not in lean.columns and lean["text_file"].n_unique() == -(-files.height // 3)
    assert_frame_equal(lean_quarantine, quarantine)
    assert_frame_equal(ingest.with_texts(lean), files)
    part = lean.filter(pl.col("source_name").is_in(files["source_name"].tail(2).implode()))
    assert_frame_equal(ingest.with_texts(part), files.tail(2))
    assert ingest.with_texts(files) is files
