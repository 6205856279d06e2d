"""Bytes of unknown encoding -> text: BOM, UTF-8, declared charset, then a CJK/Latin guess."""

import codecs
import re
from dataclasses import dataclass
from functools import cache

import charset_normalizer

from ingest.errors import Quarantined
from ingest.normalize import garbage_ratio
from ingest.sniff import MAX_CONTROL_RATIO, control_byte_ratio

# Legacy encodings tried when the bytes are not UTF-8, in order of preference on a tie.
# Each is the superset of its family (cp949 > EUC-KR, gb18030 > GBK > GB2312, cp950 > Big5,
# cp932 > Shift-JIS, cp1252 > ASCII), so decoding with it never loses a subset file.
LEGACY_CODECS = ("gb18030", "cp950", "cp949", "cp932", "euc_jp", "cp1252", "iso8859-1")
# A decoding with more than this share of garbage characters is not text.
MAX_GARBAGE_RATIO = 0.2
# The encoding guess looks at most this many bytes of the lines that are not UTF-8.
DETECTION_SAMPLE_BYTES = 64_000
# A decoding is plausible when this share of its non-ASCII characters are common letters of
# the script its encoding is for (Hangul for cp949, Hanzi for gb18030, ...).
MIN_SCRIPT_SCORE = 0.9
# A decoding whose non-ASCII text is at least this share Hangul or kana is surely Korean/Japanese.
MIN_DISTINCTIVE = 0.2
# charset-normalizer's mess score is noisy on short samples: below this, decodings count as clean.
MAX_CLEAN_CHAOS = 0.1

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SUPERSETS = {
    "euc_kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "cp950",
    "shift_jis": "cp932",
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_PUNCTUATION = set("\u00a0’‘“”–—…•·«»°©®™€£¥¢×±§¶½¼¾¹²³¿¡、。〈〉《》「」『』【】〔〕・ー！（），：；？～")


@dataclass(frozen=True)
class Decoded:
    """Decoded text and the encoding it was read with (a Python codec name)."""

    text: str
    encoding: str


def decode_bytes(data: bytes) -> Decoded:
    """Decode a text file of unknown encoding; raise Quarantined('binary'|'undecodable') if it is not text."""
    decoded = _decode_with_bom(data) or _decode_utf16_without_bom(data)
    if decoded is None:
        ratio = control_byte_ratio(data)
        if ratio > MAX_CONTROL_RATIO:
            raise Quarantined("binary", f"{ratio:.0%} of the bytes are NUL or other control bytes.")
        decoded = _decode_utf8(data) or _decode_declared(data) or _decode_legacy(data)
    ratio = garbage_ratio(decoded.text)
    if ratio > MAX_GARBAGE_RATIO:
        raise Quarantined(
            "undecodable",
            f"No encoding gives readable text: read as {decoded.encoding}, {ratio:.0%} of the characters "
            "are replacement, control or private-use characters.",
        )
    return decoded


def canonical_codec(name: str) -> str | None:
    """Python's name for an encoding label, widened to its superset ('euc-kr' -> 'cp949')."""
    codec = _codec_name(name)
    return _SUPERSETS.get(codec, codec) if codec else None


def _codec_name(name: str) -> str | None:
    """Python's own name for an encoding label ('latin_1' -> 'iso8859-1'), None if unknown."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _decode_with_bom(data: bytes) -> Decoded | None:
    """A byte-order mark is an explicit declaration: trust it (garbage is caught afterwards)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data if codec == "utf-8-sig" else data[len(bom) :]
            return Decoded(body.decode(codec, errors="replace"), codec)
    return None


def _decode_utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 without a BOM shows as a NUL in every other byte of its ASCII characters."""
    half = len(data) // 2
    if half < 2 or len(data) % 2 or b"\x00" not in data:
        return None
    even_nuls, odd_nuls = data[0::2].count(0), data[1::2].count(0)
    if odd_nuls > 0.3 * half and even_nuls < 0.02 * half:
        codec = "utf-16-le"
    elif even_nuls > 0.3 * half and odd_nuls < 0.02 * half:
        codec = "utf-16-be"
    else:
        return None
    try:
        return Decoded(data.decode(codec), codec)
    except UnicodeDecodeError:
        return None


def _decode_utf8(data: bytes) -> Decoded | None:
    """Strict UTF-8 first: it almost never decodes a legacy-encoded file by accident."""
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return None


def _decode_declared(data: bytes) -> Decoded | None:
    """An HTML `<meta charset>` is used when the bytes decode cleanly with it."""
    match = _META_CHARSET.search(data, 0, 4096)
    codec = canonical_codec(match.group(1).decode("ascii")) if match else None
    if codec is None or codec.startswith(("utf-16", "utf-32")):
        return None
    try:
        return Decoded(data.decode(codec), codec)
    except UnicodeDecodeError:
        return None


def _decode_legacy(data: bytes) -> Decoded:
    """Lines that are valid UTF-8 stay UTF-8; the others are decoded with the guessed legacy encoding."""
    lines = data.split(b"\n")
    is_utf8 = [_decodes(line, "utf-8") for line in lines]
    foreign = b"\n".join(line for line, ok in zip(lines, is_utf8, strict=True) if not ok)
    codec = guess_legacy_codec(foreign)
    if codec is None:
        return Decoded(data.decode("utf-8", errors="replace"), "utf-8")
    parts = [line.decode("utf-8" if ok else codec) for line, ok in zip(lines, is_utf8, strict=True)]
    has_utf8_text = any(ok and not line.isascii() for line, ok in zip(lines, is_utf8, strict=True))
    return Decoded("\n".join(parts), f"utf-8+{codec}" if has_utf8_text else codec)


def guess_legacy_codec(foreign: bytes) -> str | None:
    """Best legacy codec for non-UTF-8 bytes, or None if no candidate gives plausible text.

    A candidate must decode the bytes strictly. Then, in order: a plausible script beats an
    implausible one; a script only one language writes (Hangul, kana) beats shared Hanzi (short
    Korean or Japanese lines also decode "cleanly" as common Chinese characters); a clean
    charset-normalizer score beats a messy one; remaining ties go to LEGACY_CODECS order.
    """
    candidates = [codec for codec in LEGACY_CODECS if _decodes(foreign, codec)]
    if not candidates:
        return None
    sample = foreign[:DETECTION_SAMPLE_BYTES]
    chaos = _chaos_by_codec(sample, candidates)
    fit = {codec: script_fit(sample.decode(codec, errors="replace"), codec) for codec in candidates}

    def rank(codec: str) -> tuple[bool, bool, bool, float, int]:
        share, distinctive = fit[codec]
        mess = chaos.get(codec, 1.0)
        return (
            share < MIN_SCRIPT_SCORE,
            distinctive < MIN_DISTINCTIVE,
            mess > MAX_CLEAN_CHAOS,
            mess,
            LEGACY_CODECS.index(codec),
        )

    best = min(candidates, key=rank)
    implausible_script, _, messy, *_ = rank(best)
    return None if implausible_script and messy else best


def _chaos_by_codec(sample: bytes, candidates: list[str]) -> dict[str, float]:
    """charset-normalizer's mess score per candidate it accepts (it drops the messy ones)."""
    matches = charset_normalizer.from_bytes(
        sample, cp_isolation=candidates, preemptive_behaviour=False, enable_fallback=False
    )
    chaos: dict[str, float] = {}
    for match in matches:
        codec = _codec_name(match.encoding)
        if codec in candidates:
            chaos[codec] = round(match.chaos, 2)
    return chaos


def script_fit(text: str, codec: str) -> tuple[float, float]:
    """(share, distinctive): of the non-ASCII characters, the share that are common letters or
    punctuation of the script `codec` is for, and the share only its language writes (Hangul, kana).

    A lone Hanzi touching an ASCII letter does not count: that is what an accented Latin letter
    looks like when decoded as a double-byte codec ('d\u00e8s' -> 'd' + one Hanzi that ate the 's').
    """
    total = fits = distinctive = 0
    for i, ch in enumerate(text):
        if ch <= "\x7f":
            continue
        total += 1
        if ch in _PUNCTUATION:
            fits += 1
        elif _fits_at(text, i, codec):
            fits += 1
            distinctive += _is_distinctive(ch, codec)
    return (fits / total, distinctive / total) if total else (0.0, 0.0)


def _fits_at(text: str, i: int, codec: str) -> bool:
    """Whether text[i] is a common letter of `codec`'s script in this context.

    Korean text uses Hanja as standalone words ('美 상무부'); Chinese decoded as cp949 gives Hanja
    wedged between Hangul, which does not count.
    """
    ch = text[i]
    if codec == "cp949" and _is_han(ch):
        return _encodes(ch, "euc_kr") and not any(_is_hangul(n) for n in _neighbours(text, i))
    return _fits_script(ch, codec) and not _lone_han_by_latin(text, i)


def _lone_han_by_latin(text: str, i: int) -> bool:
    """Whether text[i] is a Hanzi with no CJK neighbour and an ASCII letter on at least one side."""
    if not _is_han(text[i]):
        return False
    neighbours = _neighbours(text, i)
    if any(ch > "\u2e7f" for ch in neighbours):  # CJK punctuation, kana, Hangul, Hanzi
        return False
    return any(ch.isascii() and ch.isalpha() for ch in neighbours)


def _neighbours(text: str, i: int) -> tuple[str, str]:
    """The characters before and after text[i] ('' at the ends)."""
    return text[i - 1 : i] if i else "", text[i + 1 : i + 2]


def _is_han(ch: str) -> bool:
    """CJK unified ideograph (basic block)."""
    return "\u4e00" <= ch <= "\u9fff"


def _is_hangul(ch: str) -> bool:
    """Precomposed Hangul syllable."""
    return "\uac00" <= ch <= "\ud7a3"


def _is_distinctive(ch: str, codec: str) -> bool:
    """Hangul for Korean, kana for Japanese: scripts that Chinese text never produces."""
    if codec == "cp949":
        return _is_hangul(ch)
    return codec in ("cp932", "euc_jp") and "\u3040" <= ch <= "\u30ff"


@cache
def _fits_script(ch: str, codec: str) -> bool:
    """Whether `ch` is a common letter of the language family of `codec`."""
    han = _is_han(ch)
    if codec == "cp949":
        return _is_hangul(ch) and _encodes(ch, "euc_kr")
    if codec == "gb18030":
        return han and _encodes(ch, "gb2312")
    if codec == "cp950":
        return han and _encodes(ch, "big5")
    if codec in ("cp932", "euc_jp"):
        return "\u3040" <= ch <= "\u30ff" or (han and _encodes(ch, "shift_jis"))
    return ch.isalpha() and "\u00c0" <= ch <= "\u017f"  # accented Latin letters for cp1252 / iso8859-1


def _encodes(ch: str, codec: str) -> bool:
    """Whether `ch` is one two-byte character of `codec`'s core set (euc_kr can also spell rare
    Hangul as 8-byte sequences; those are exactly the ones that must not count)."""
    try:
        return len(ch.encode(codec)) == 2
    except UnicodeEncodeError:
        return False


def _decodes(data: bytes, codec: str) -> bool:
    """Whether `data` is valid in `codec`."""
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True
