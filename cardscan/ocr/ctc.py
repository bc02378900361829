"""Greedy CTC decoding of PP-OCR recognisers' output, with lost spaces put back.

Shared by the PP-OCRv4 engine (rapid.py) and the PP-OCRv5 re-reader (scripts.py).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

# PP-OCR often drops the space between words ("MAENJARRAR"), but its output still
# gives the space class weight in the blank steps between the two words.  A gap
# whose best P(space) reaches this gets its space back (see _SpacingDecoder).
SPACE_P = 0.25


_GAP = "\x00"  # a restored space, until we know whether its token may hold one


class SpacingDecoder:
    """CTC greedy decoding as rapidocr does it (argmax per step, repeats merged,
    blanks dropped, confidence the mean of the kept steps), plus one thing: a gap
    of blank steps between two characters in which the space class reached
    SPACE_P becomes a space.  Never inside an e-mail or web address, where a
    wide gap (around "@") is not a word break."""

    def __init__(self, characters: list[str], original: Any = None):
        self.character = characters
        self.space = len(characters) - 1
        self.original = original  # rapidocr's own, for callers that want word boxes

    def __call__(self, preds: np.ndarray, return_word_box: bool = False,
                 **kw: Any) -> list[Any]:
        if return_word_box:
            if self.original is None:
                raise ValueError("word boxes need rapidocr's own decoder")
            return list(self.original(preds, return_word_box, **kw))
        idx = preds.argmax(axis=2)
        prob = preds.max(axis=2)
        return [self._one(idx[b], prob[b], preds[b, :, self.space]) for b in range(len(idx))]

    def _one(self, idx: np.ndarray, prob: np.ndarray, p_space: np.ndarray) -> tuple[str, float]:
        out: list[str] = []
        confs: list[float] = []
        prev = -1
        gap = 0.0
        for t, i in enumerate(idx.tolist()):
            if i == 0:
                gap = max(gap, float(p_space[t]))
            elif i != prev:
                if out and gap >= SPACE_P and out[-1] != " " and i != self.space:
                    out.append(_GAP)
                out.append(self.character[i])
                confs.append(float(prob[t]))
                gap = 0.0
            prev = i
        text = "".join(out)
        if _GAP in text:
            text = " ".join(
                tok.replace(_GAP, "") if _addressish(tok.replace(_GAP, ""))
                else tok.replace(_GAP, " ")
                for tok in text.split(" ")
            )
        return text, float(np.mean(confs)) if confs else 0.0


def _addressish(token: str) -> bool:
    """An e-mail or web address: "@", "www", a scheme, or a dot before a top-level
    domain ("acme.info", "ACME.SHOP"; not "St.Louis", "D.MALVIN" or "Dr.med.")."""
    from ..extract.text import vocab_words

    if _ADDRESS_MARK.search(token):
        return True
    tlds = vocab_words("tlds.txt")
    return any(len(t) == 2 or t.lower() in tlds for t in _AFTER_DOT.findall(token))


_ADDRESS_MARK = re.compile(r"@|www|://", re.IGNORECASE)
_AFTER_DOT = re.compile(r"(?<=\w\w\.)([A-Za-z]{2,})\b")
