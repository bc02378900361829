"""Field extraction's data sets, loaded once before the worker pool forks its workers.

Extraction loads several data sets on first use: Faker's person names, the
gazetteer's city index, the language identifier's model, the vocabularies.
Each costs up to a second, and each pool worker used to load them again for
its first cards (about 1.8 CPU-s per worker on the dev photos).  The pool's
workers are forked from a fork server (`pipeline._pool_context`) that imports
this module: `warm` runs there once, and every worker starts with the data
sets in memory (shared copy-on-write).

Only pure-Python data is loaded here, never an OCR engine: OpenVINO's and ONNX
Runtime's thread pools do not survive a fork.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

# Two made-up cards: a Latin one whose phone number has no country code (so the
# region clues that need the gazetteer and the language model are looked up) and a
# Japanese one (the CJK vocabularies).
_CARDS = (
    "Jane Example\nSales Director\nExample Trading GmbH\nHauptstrasse 5\n10115 Berlin\n"
    "Tel 030 1234567\njane.example@example.com\nwww.example.com",
    "株式会社サンプル\n営業部 部長\n山田 太郎\n〒100-0001 東京都千代田区千代田1-1\n"
    "TEL 03-1234-5678\ntaro@example.co.jp",
)


def warm() -> None:
    """Read the made-up cards, so every lazily loaded data set of extraction is
    loaded.  Best effort: a failure here only leaves the loading to the workers."""
    try:
        from .extract import parse_page, region
        from .model import Page

        for text in _CARDS:
            page = Page.from_text(text)
            parse_page(page)
            region.deep_evidence(page.lines)  # the cities and the language model, always
    except Exception as e:  # never stop the fork server: the workers load what they need
        log.debug("extraction data not preloaded: %s: %s", type(e).__name__, e)


warm()
