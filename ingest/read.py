"""Input folder -> `files` and `quarantine` frames: every file ends up in exactly one of them.

`read_changed` adds a third frame, `unchanged`: files recorded in an earlier read (same name, size
and mtime) that are not opened again.
"""

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from ingest.decode import decode_bytes
from ingest.discover import Found, discover
from ingest.errors import Quarantined
from ingest.html_text import HTML_EXTENSIONS, extract_article_text, looks_like_html
from ingest.normalize import normalize_text
from ingest.sniff import binary_signature

DEFAULT_MAX_BYTES = 20_000_000
# "" stands for files without an extension.
DEFAULT_EXTENSIONS: tuple[str, ...] = (".txt", ".text", ".md", ".html", ".htm", "")

FILES_SCHEMA = pl.Schema(
    {
        "source_name": pl.String,
        "text": pl.String,
        "content_hash": pl.String,
        "encoding": pl.String,
        "input_format": pl.String,
        "size_bytes": pl.Int64,
        "mtime": pl.Datetime("us"),  # UTC, naive: the warehouse column is a plain TIMESTAMP
    }
)
TEXT_FILE = "text_file"
"""The `files` column naming where a row's text was written, when `read_changed` keeps texts out of memory."""
QUARANTINE_SCHEMA = pl.Schema({"source_name": pl.String, "reason": pl.String, "detail": pl.String})
# The `known` files given to read_changed and the `unchanged` frame it returns.
UNCHANGED_SCHEMA = pl.Schema(
    {
        "source_name": pl.String,
        "size_bytes": pl.Int64,
        "mtime": pl.Datetime("us"),  # as in FILES_SCHEMA
        "content_hash": pl.String,
    }
)

# A suffix counts as an extension only if it looks like one: 'notes.txt' yes, 'Dr. Who' or 'v1.2' no.
_EXTENSION = re.compile(r"(?<=.)\.[A-Za-z][A-Za-z0-9]{0,9}\Z")
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
# Texts move from Python strings into a frame this many files at a time: Python's copies stay few.
_FRAME_ROWS = 1000
# Reads after the first one (only for a file that grew since its fstat) ask for this much at a time.
_CHUNK_BYTES = 1 << 20

# (source_name, size_bytes, mtime) -> content_hash of files read before.
KnownFiles = dict[tuple[str, int, datetime], str]


@dataclass(frozen=True)
class LoadedFile:
    """One row of the `files` frame."""

    source_name: str
    text: str
    content_hash: str
    encoding: str
    input_format: str
    size_bytes: int
    mtime: datetime


@dataclass(frozen=True)
class UnchangedFile:
    """One row of the `unchanged` frame: a file that was not read again."""

    source_name: str
    size_bytes: int
    mtime: datetime
    content_hash: str


def article_id_for(content_hash: str) -> str:
    """Article id of a text: the first 16 hex chars of its content hash (same text, same id)."""
    if len(content_hash) < 16:
        raise ValueError(f"not a sha256 hex digest: {content_hash!r}")
    return content_hash[:16]


def read_folder(
    input_dir: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    extensions: tuple[str, ...] = DEFAULT_EXTENSIONS,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read every file under `input_dir` into (`files`, `quarantine`); no file is dropped silently."""
    files, quarantine, _ = _read(Path(input_dir), max_bytes, extensions, known={})
    return files, quarantine


def read_changed(
    input_dir: Path,
    known: pl.DataFrame,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    extensions: tuple[str, ...] = DEFAULT_EXTENSIONS,
    texts_dir: Path | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(`files`, `quarantine`, `unchanged`): like read_folder, but files whose name, size and mtime
    match a row of `known` (UNCHANGED_SCHEMA) are not opened; they are listed in `unchanged` with
    the known content hash instead of in `files`, so an unchanged rerun reads nothing.

    With `texts_dir`, the texts are written there as Parquet as they are read, and `files` has a
    `text_file` column (the file holding the row's text) instead of `text`: a large folder's texts
    need not stay in memory. `with_texts` reads a part of `files` back with its texts.

    The frames are read_folder's with those rows moved from `files` to `unchanged`: quarantine
    reasons decided without reading (hidden, extension, too_large, ...) still apply, and duplicates
    follow the same rule (the first file in source_name order is loaded), with unchanged files
    taking part by their known hash. So a changed file with the text of an unchanged file sorted
    before it is `duplicate_of` that article, and an unchanged file whose text a changed file sorted
    before it now has is quarantined as its duplicate, exactly as read_folder would decide.
    """
    return _read(Path(input_dir), max_bytes, extensions, _known_files(known), texts_dir)


def with_texts(files: pl.DataFrame) -> pl.DataFrame:
    """Rows of a `files` frame that `read_changed` gave with `text_file`, with their `text` read back
    (in FILES_SCHEMA's place); a frame that has its texts is returned as it is."""
    if TEXT_FILE not in files.columns:
        return files
    paths = files[TEXT_FILE].unique().sort().to_list()
    texts = (pl.read_parquet(paths) if paths else pl.DataFrame(schema={"source_name": pl.String, "text": pl.String}))
    order = [*FILES_SCHEMA.names(), *(c for c in files.columns if c not in FILES_SCHEMA.names() and c != TEXT_FILE)]
    return files.join(texts, on="source_name", how="left", maintain_order="left").select(order)


def _read(
    root: Path, max_bytes: int, extensions: tuple[str, ...], known: KnownFiles, texts_dir: Path | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The (`files`, `quarantine`, `unchanged`) frames of both entry points."""
    if not root.is_dir():
        raise NotADirectoryError(f"input folder does not exist or is not a folder: {root}")
    allowed = normalize_extensions(extensions)
    loaded: list[LoadedFile] = []
    loaded_frames: list[pl.DataFrame] = []
    unchanged: list[UnchangedFile] = []
    quarantined: list[tuple[str, str, str]] = []
    first_by_hash: dict[str, str] = {}
    for found in discover(root):
        try:
            row = _load(found, max_bytes, allowed, known)
            _check_duplicate(row, first_by_hash)
        except Quarantined as skip:
            quarantined.append((found.source_name, skip.reason, skip.detail))
        else:
            if isinstance(row, UnchangedFile):
                unchanged.append(row)
            else:
                loaded.append(row)
                if len(loaded) == _FRAME_ROWS:
                    loaded_frames.append(_files_part(_frame(loaded, FILES_SCHEMA), texts_dir, len(loaded_frames)))
                    loaded = []
    return (
        pl.concat([*loaded_frames, _files_part(_frame(loaded, FILES_SCHEMA), texts_dir, len(loaded_frames))]),
        pl.DataFrame(quarantined, schema=QUARANTINE_SCHEMA, orient="row"),
        _frame(unchanged, UNCHANGED_SCHEMA),
    )


def _files_part(files: pl.DataFrame, texts_dir: Path | None, number: int) -> pl.DataFrame:
    """A part of the `files` frame as `_read` returns it: with its texts, or with them written to
    `texts_dir` (`number`.parquet, named in `text_file`)."""
    if texts_dir is None:
        return files
    path = texts_dir / f"{number:06d}.parquet"
    if files.height:
        texts_dir.mkdir(parents=True, exist_ok=True)
        files.select("source_name", "text").write_parquet(path, compression="lz4")  # fast, and temporary
    return files.drop("text").with_columns(pl.lit(str(path)).alias(TEXT_FILE))


def _known_files(known: pl.DataFrame) -> KnownFiles:
    """Index of the `known` frame by (source_name, size_bytes, mtime)."""
    columns = known.select(pl.col(name).cast(dtype) for name, dtype in UNCHANGED_SCHEMA.items())
    return {(name, size, mtime): content_hash for name, size, mtime, content_hash in columns.iter_rows()}


def normalize_extensions(extensions: tuple[str, ...]) -> frozenset[str]:
    """Lower-case extensions with a leading dot ('TXT' -> '.txt'); '' means 'no extension'."""
    cleaned = (ext.strip().lower() for ext in extensions)
    return frozenset(ext if not ext or ext.startswith(".") else f".{ext}" for ext in cleaned)


def file_extension(source_name: str) -> str:
    """Lower-cased extension of the file name, or '' when it has none."""
    match = _EXTENSION.search(source_name.rsplit("/", 1)[-1])
    return match.group(0).lower() if match else ""


def _load(
    found: Found, max_bytes: int, allowed: frozenset[str], known: KnownFiles
) -> LoadedFile | UnchangedFile:
    """Read and decode one discovered file (unless it is known and unchanged), or raise Quarantined."""
    if found.reason is not None or found.path is None:
        raise Quarantined(found.reason or "unreadable", found.detail or "File could not be located.")
    extension = file_extension(found.source_name)
    if extension not in allowed:
        what = f"Extension '{extension}'" if extension else "A name without an extension"
        shown = ", ".join(sorted(ext or "no extension" for ext in allowed))
        raise Quarantined("not_text", f"{what} is not read as text (read as text: {shown}).")
    unchanged = _unchanged(found.source_name, found.path, max_bytes, known) if known else None
    if unchanged is not None:
        return unchanged
    try:
        data, size, mtime = _read_bytes(found.path, max_bytes)
        text, encoding, input_format = _decode_file(data, extension)
    except OSError as err:
        raise Quarantined(
            "unreadable", f"File could not be read: {err.strerror or type(err).__name__}."
        ) from err
    except Quarantined:
        raise
    except Exception as err:  # one malformed file must not stop the whole run
        raise Quarantined(
            "extraction_error", f"Unexpected {type(err).__name__} while reading: {err}"
        ) from err
    if not text or text.isspace():
        what = "HTML page has no article text" if input_format == "html" else "File contains only whitespace"
        raise Quarantined("empty", f"{what} after decoding ({encoding}).")
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return LoadedFile(found.source_name, text, content_hash, encoding, input_format, size, mtime)


def _unchanged(source_name: str, path: str, max_bytes: int, known: KnownFiles) -> UnchangedFile | None:
    """The file as recorded in `known` if its size and mtime still match; None: read it."""
    try:
        info = os.stat(path)
    except OSError:
        return None  # reading it reports why
    if not stat.S_ISREG(info.st_mode) or not 0 < info.st_size <= max_bytes:
        return None  # reading it quarantines it, without looking at the content
    mtime = _utc_mtime(info.st_mtime)
    content_hash = known.get((source_name, info.st_size, mtime))
    return None if content_hash is None else UnchangedFile(source_name, info.st_size, mtime, content_hash)


def _read_bytes(path: str, max_bytes: int) -> tuple[bytes, int, datetime]:
    """Bytes, size and mtime of a regular file; never reads more than max_bytes + 1 bytes."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Quarantined("not_text", "Not a regular file (it changed type while being read).")
        if info.st_size > max_bytes:
            raise Quarantined(
                "too_large",
                f"File is {info.st_size:,} bytes, over the {max_bytes:,}-byte limit; it was not read.",
            )
        data = _read_up_to(fd, max_bytes + 1, info.st_size)
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise Quarantined("too_large", f"File grew past the {max_bytes:,}-byte limit while being read.")
    if not data:
        raise Quarantined("empty", "File is 0 bytes.")
    return data, info.st_size, _utc_mtime(info.st_mtime)


def _read_up_to(fd: int, limit: int, size: int) -> bytes:
    """The bytes of `fd` up to its end or `limit`; the first read asks for the fstat size + 1 only
    (a limit-sized buffer for every small file costs more than reading it)."""
    chunks: list[bytes] = []
    total = 0
    request = min(size + 1, limit)
    while total < limit:
        chunk = os.read(fd, request)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        request = min(_CHUNK_BYTES, limit - total)
    return b"".join(chunks)


def _utc_mtime(st_mtime: float) -> datetime:
    """A stat mtime as the naive UTC datetime of the `mtime` column."""
    return datetime.fromtimestamp(st_mtime, tz=UTC).replace(tzinfo=None)


def _decode_file(data: bytes, extension: str) -> tuple[str, str, str]:
    """(text, encoding, input_format) of a file's bytes; HTML is reduced to its article text."""
    kind = binary_signature(data)
    if kind is not None:
        raise Quarantined("binary", f"File starts with the signature of a {kind}.")
    decoded = decode_bytes(data)
    text = normalize_text(decoded.text)
    if extension in HTML_EXTENSIONS or looks_like_html(text):
        # Entities (&#8238;, &nbsp;, decomposed accents) only appear after parsing: normalize again.
        return normalize_text(extract_article_text(text)), decoded.encoding, "html"
    return text, decoded.encoding, "text"


def _check_duplicate(row: LoadedFile | UnchangedFile, first_by_hash: dict[str, str]) -> None:
    """The first file (in sorted order) with a given text is loaded; later copies are quarantined."""
    first = first_by_hash.setdefault(row.content_hash, row.source_name)
    if first != row.source_name:
        raise Quarantined(
            f"duplicate_of:{article_id_for(row.content_hash)}", f"Same text as '{first}', which was loaded."
        )


def _frame(rows: list[LoadedFile] | list[UnchangedFile], schema: pl.Schema) -> pl.DataFrame:
    """A frame of rows, with the contract's column order and types even when empty."""
    columns = {name: [getattr(row, name) for row in rows] for name in schema.names()}
    return pl.DataFrame(columns, schema=schema)
