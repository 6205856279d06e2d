"""One canonical form for decoded text, so the same article always hashes to the same id."""

import re
import unicodedata

# Line breaks other than \n that editors and converters produce: VT, FF, NEL, LS, PS.
_OTHER_LINE_BREAKS = re.compile("[\x0b\x0c\x85\u2028\u2029]")
# Invisible characters that carry no text: C0/C1 controls (except \t, \n and the line breaks
# above), DEL, the BOM / zero-width no-break space, and bidirectional formatting marks (which
# can make text display differently from what it is).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_ANY_SPECIAL = re.compile(f"{_OTHER_LINE_BREAKS.pattern}|{_INVISIBLE.pattern}")

# Characters that mean decoding went wrong: replacement char, private use, stray controls.
_GARBAGE = re.compile("[\ufffd\ue000-\uf8ff\U000f0000-\U0010ffff\x00-\x08\x0e-\x1f\x7f-\x9f]")

# Printable ASCII, tab and the newlines: none of them is special, garbage or changed by NFC.
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"
# Characters below U+0300 (Latin-1, Latin Extended) are NFC already and never combine with each other.
_FIRST_COMBINING = "\u0300"


def unusual_characters(text: str) -> str:
    """The characters of `text` that are not printable ASCII, tab or newlines, in order.

    Every character the patterns above look for is among them, and a news article has few: the
    patterns scan this short string instead of the whole text (Python's `re` is slow on classes).
    Deleting ASCII bytes from UTF-8 leaves the multi-byte sequences whole.
    """
    utf8 = text.encode("utf-8", "surrogatepass")
    return utf8.translate(None, _PLAIN_ASCII).decode("utf-8", "surrogatepass")


def normalize_text(text: str) -> str:
    """NFC, `\\n` newlines, no control/BOM/bidi characters: equal content gives equal bytes.

    Each step is one linear pass in C; texts without special characters skip the rewrites.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    unusual = unusual_characters(text)
    if _ANY_SPECIAL.search(unusual):
        text = _INVISIBLE.sub("", _OTHER_LINE_BREAKS.sub("\n", text))
    if max(unusual, default="") < _FIRST_COMBINING or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def garbage_ratio(text: str) -> float:
    """Share of non-space characters that signal a wrong decoding (U+FFFD, private use, controls)."""
    garbage = len(_GARBAGE.findall(unusual_characters(text)))
    if not garbage:
        return 0.0
    visible = len(text) - sum(text.count(space) for space in " \n\r\t\u3000")
    return garbage / visible if visible > 0 else 0.0
