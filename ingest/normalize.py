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


def normalize_text(text: str) -> str:
    """NFC, `\\n` newlines, no control/BOM/bidi characters: equal content gives equal bytes.

    Each step is one linear pass in C; texts without special characters skip the rewrites.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _ANY_SPECIAL.search(text):
        text = _INVISIBLE.sub("", _OTHER_LINE_BREAKS.sub("\n", text))
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def garbage_ratio(text: str) -> float:
    """Share of non-space characters that signal a wrong decoding (U+FFFD, private use, controls)."""
    visible = len(text) - sum(text.count(space) for space in " \n\r\t\u3000")
    if visible <= 0:
        return 0.0
    return (len(text) - len(_GARBAGE.sub("", text))) / visible
