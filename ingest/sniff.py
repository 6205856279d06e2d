"""Recognise binary files before trying to decode them, so a PDF is `binary`, not mojibake."""

# Leading bytes of common non-text formats. Only signatures that an English sentence cannot
# plausibly start with are listed (no 'BM', 'MZ', 'ID3').
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\x00\x00\x01\x00", "ICO image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or docx/xlsx/epub)"),
    (b"PK\x05\x06", "ZIP archive (empty)"),
    (b"PK\x07\x08", "ZIP archive (spanned)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE document (old .doc/.xls)"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"PAR1", "Parquet file"),
    (b"\x7fELF", "ELF executable"),
    (b"\xca\xfe\xba\xbe", "Java class / Mach-O binary"),
    (b"\x00asm", "WebAssembly module"),
    (b"OggS", "Ogg media"),
    (b"fLaC", "FLAC audio"),
    (b"wOFF", "WOFF font"),
    (b"wOF2", "WOFF2 font"),
)

_MAGICS = tuple(magic for magic, _ in _SIGNATURES)

# Bytes that never occur in text: C0 controls other than \t \n \v \f \r and ESC.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL_BYTES)

# Text with a few stray NULs is still text; above this share of control bytes it is binary.
MAX_CONTROL_RATIO = 0.05


def binary_signature(data: bytes) -> str | None:
    """Name of the binary format whose magic bytes `data` starts with, if any."""
    if data.startswith(_MAGICS):  # one C call rejects text; the loop only names the format
        return next(kind for magic, kind in _SIGNATURES if data.startswith(magic))
    if data[4:8] == b"ftyp":
        return "MP4/QuickTime media"
    if data.startswith(b"RIFF") and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "RIFF media (WebP/WAV/AVI)"
    return None


def control_byte_ratio(data: bytes) -> float:
    """Share of bytes that are NUL or other non-text control bytes (computed in C, linear)."""
    if not data:
        return 0.0
    return len(data.translate(None, _NOT_CONTROL)) / len(data)
