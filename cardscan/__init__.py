"""cardscan: photos of business cards in, leads with a follow-up plan out.

Library first; the command line (`cardscan.cli`) is a thin translator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["ScanOutputs", "parse_text", "run_scan", "scan", "to_dataframe"]

if TYPE_CHECKING:
    from .api import ScanOutputs, parse_text, run_scan, scan, to_dataframe


def __getattr__(name: str) -> Any:
    # Lazy: `import cardscan` must not pull in OpenCV or an OCR engine.
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(name)
