"""Input folder -> `files` and `quarantine` frames: every file ends up in exactly one of them."""

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
QUARANTINE_SCHEMA = pl.Schema({"source_name": pl.String, "reason": pl.String, "detail": pl.String})

# A suffix counts as an extension only if it looks like one: 'notes.txt' yes, 'Dr. Who' or 'v1.2' no.
_EXTENSION = re.compile(r"(?<=.)\.[A-Za-z][A-Za-z0-9]{0,9}\Z")


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
    root = Path(input_dir)
    if not root.is_dir():
        raise NotADirectoryError(f"input folder does not exist or is not a folder: {root}")
    allowed = normalize_extensions(extensions)
    loaded: list[LoadedFile] = []
    quarantined: list[tuple[str, str, str]] = []
    first_by_hash: dict[str, str] = {}
    for found in discover(root):
        try:
            row = _load(found, max_bytes, allowed)
            _check_duplicate(row, first_by_hash)
        except Quarantined as skip:
            quarantined.append((found.source_name, skip.reason, skip.detail))
        else:
            loaded.append(row)
    return _files_frame(loaded), pl.DataFrame(quarantined, schema=QUARANTINE_SCHEMA, orient="row")


def normalize_extensions(extensions: tuple[str, ...]) -> frozenset[str]:
    """Lower-case extensions with a leading dot ('TXT' -> '.txt'); '' means 'no extension'."""
    cleaned = (ext.strip().lower() for ext in extensions)
    return frozenset(ext if not ext or ext.startswith(".") else f".{ext}" for ext in cleaned)


def file_extension(source_name: str) -> str:
    """Lower-cased extension of the file name, or '' when it has none."""
    match = _EXTENSION.search(source_name.rsplit("/", 1)[-1])
    return match.group(0).lower() if match else ""


def _load(found: Found, max_bytes: int, allowed: frozenset[str]) -> LoadedFile:
    """Read and decode one discovered file, or raise Quarantined saying why not."""
    if found.reason is not None or found.path is None:
        raise Quarantined(found.reason or "unreadable", found.detail or "File could not be located.")
    extension = file_extension(found.source_name)
    if extension not in allowed:
        what = f"Extension '{extension}'" if extension else "A name without an extension"
        shown = ", ".join(sorted(ext or "no extension" for ext in allowed))
        raise Quarantined("not_text", f"{what} is not read as text (read as text: {shown}).")
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
    if not text.strip():
        what = "HTML page has no article text" if input_format == "html" else "File contains only whitespace"
        raise Quarantined("empty", f"{what} after decoding ({encoding}).")
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return LoadedFile(found.source_name, text, content_hash, encoding, input_format, size, mtime)


def _read_bytes(path: str, max_bytes: int) -> tuple[bytes, int, datetime]:
    """Bytes, size and mtime of a regular file; never reads more than max_bytes + 1 bytes."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Quarantined("not_text", "Not a regular file (it changed type while being read).")
        if info.st_size > max_bytes:
            raise Quarantined(
                "too_large",
                f"File is {info.st_size:,} bytes, over the {max_bytes:,}-byte limit; it was not read.",
            )
        with open(fd, "rb", closefd=False) as handle:
            data = handle.read(max_bytes + 1)
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise Quarantined("too_large", f"File grew past the {max_bytes:,}-byte limit while being read.")
    if not data:
        raise Quarantined("empty", "File is 0 bytes.")
    return data, info.st_size, datetime.fromtimestamp(info.st_mtime, tz=UTC).replace(tzinfo=None)


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


def _check_duplicate(row: LoadedFile, first_by_hash: dict[str, str]) -> None:
    """The first file (in sorted order) with a given text is loaded; later copies are quarantined."""
    first = first_by_hash.setdefault(row.content_hash, row.source_name)
    if first != row.source_name:
        raise Quarantined(
            f"duplicate_of:{article_id_for(row.content_hash)}", f"Same text as '{first}', which was loaded."
        )


def _files_frame(rows: list[LoadedFile]) -> pl.DataFrame:
    """The `files` frame, with the contract's column order and types even when empty."""
    columns = {name: [getattr(row, name) for row in rows] for name in FILES_SCHEMA.names()}
    return pl.DataFrame(columns, schema=FILES_SCHEMA)
