"""Which Unicode scripts a text is written in, from the Unicode Standard's block
ranges ("Blocks.txt"): Han, the kana, Hangul.  Shared by OCR routing
(ocr/scripts.py) and the CJK field scorers (extract/cjk.py)."""

from __future__ import annotations

# Unicode blocks (The Unicode Standard, "Blocks.txt"); 々〆〇 (U+3005-3007, Script=Han)
# sit in the CJK punctuation block.
_HAN = ((0x3005, 0x3007), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))
_KANA = ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F))
_HANGUL = ((0xAC00, 0xD7AF), (0x1100, 0x11FF), (0x3130, 0x318F))


def _in(ch: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    o = ord(ch)
    return any(a <= o <= b for a, b in ranges)


def has_han(text: str) -> bool:
    return any(_in(c, _HAN) for c in text)


def has_kana(text: str) -> bool:
    return any(_in(c, _KANA) for c in text)


def has_hangul(text: str) -> bool:
    return any(_in(c, _HANGUL) for c in text)


def is_cjk(text: str) -> bool:
    return any(_in(c, _HAN) or _in(c, _KANA) or _in(c, _HANGUL) for c in text)
