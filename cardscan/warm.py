"""Field extraction's data sets, loaded once before the worker pool forks its workers.

Extraction loads its data sets on first use.  Those every card needs (Faker's
person names, the vocabularies: about 0.47 CPU-s) each pool worker used to load
again for its first card.  The pool's workers are forked from a fork server
(`cardscan.workers`) that imports this module: `warm` runs there once,
and every worker starts with them in memory (shared copy-on-write).

Not loaded here: the gazetteer's city index and the language identifier's model
(1.2 CPU-s), which only cards whose country the cheap clues leave undecided
need: on the 24 phone photos of the speed benchmark, loading them in the fork
server cost more than the workers saved (docs/notes/speed10b.md).

Only pure-Python data is loaded here, never an OCR engine: OpenVINO's and ONNX
Runtime's thread pools do not survive a fork.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

# Two made-up cards: a Latin one and a Japanese one (the CJK vocabularies).
_CARDS = (
    "Jane Example\nSales Director\nExample Trading GmbH\nHauptstrasse 5\n10115 Berlin\n"
    "Tel +49 30 1234567\njane.example@example.com\nwww.example.com",
    "株式会社サンプル\n営業部 部長\n山田 太郎\n〒100-0001 東京都千代田区千代田1-1\n"
    "TEL 03-1234-5678\ntaro@example.co.jp",
)


def warm() -> None:
    """Read the made-up cards, so the data sets every card needs are loaded.
    Best effort: a failure here only leaves the loading to the workers."""
    try:
        from .extract import parse_page
        from .model import Page

        for text in _CARDS:
            parse_page(Page.from_text(text))
    except Exception as e:  # never stop the fork server: the workers load what they need
        log.debug("extraction data not preloaded: %s: %s", type(e).__name__, e)


warm()
