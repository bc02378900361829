"""Which Unicode scripts a text is written in, from the Unicode Standard's block
ranges ("Blocks.txt"): Han, the kana, Hangul.  Shared by OCR routing
(ocr/scripts.py) and the CJK field scorers (extract/cjk.py)."""

from __future__ import annotations

import re

# Unicode blocks (The Unicode Standard, "Blocks.txt"); 々〆〇 (U+3005-3007, Script=Han)
# sit in the CJK punctuation block.
_HAN = ((0x3005, 0x3007), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))
_KANA = ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F))
_HANGUL = ((0xAC00, 0xD7AF), (0x1100, 0x11FF), (0x3130, 0x318F))


def _class(*blocks: tuple[tuple[int, int], ...]) -> re.Pattern[str]:
    """One regex character class of the code points in `blocks` (a search is a
    single pass in C: these run on every line of every card)."""
    spans = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for r in blocks for a, b in r)
    return re.compile(f"[{spans}]")


_HAN_RE, _KANA_RE, _HANGUL_RE = _class(_HAN), _class(_KANA), _class(_HANGUL)
_CJK_RE = _class(_HAN, _KANA, _HANGUL)


def has_han(text: str) -> bool:
    return _HAN_RE.search(text) is not None


def has_kana(text: str) -> bool:
    return _KANA_RE.search(text) is not None


def has_hangul(text: str) -> bool:
    return _HANGUL_RE.search(text) is not None


def is_cjk(text: str) -> bool:
    return _CJK_RE.search(text) is not None
