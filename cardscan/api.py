"""The Python API: the same operations as the command line, no I/O surprises."""

from __future__ import annotations

from collections.abc import Generator, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import CardscanError
from .model import CardRecord
from .options import ScanOptions
from .scanjob import FileResult, ScanOutputs, ScanSummary, run_scan

# A card holds a few hundred characters; a few KB is already a whole brochure.
MAX_TEXT_CHARS = 8192


class TextTooLong(CardscanError, ValueError):
    """Text handed to `parse_text` is far longer than any card's."""

    def __init__(self, source: str, limit: int = MAX_TEXT_CHARS) -> None:
        self.reason = f"text too long for a card (over {limit} characters); not parsed"
        super().__init__(f"{source}: {self.reason}")

if TYPE_CHECKING:
    import pandas as pd

    from .ocr import OcrEngine


def scan(
    paths: Iterable[str | Path] | str | Path,
    options: ScanOptions | None = None,
    *,
    engine: OcrEngine | None = None,
) -> Generator[CardRecord, None, None]:
    """Yield one record per card found in the given files and folders: only
    reading, nothing stored or written (for that, `run_scan`).

    Folders are searched recursively in sorted order.  Bad files yield an
    `error` record; photos without a card yield a `no_card` record.  The two
    sides of one card photographed one after the other become one record
    (`cardscan.sides`; off with `ScanOptions(join_sides=False)`).  Closing
    the generator early (``.close()``) stops the worker processes at once.
    """
    from .inputs import find_inputs
    from .pipeline import run
    from .sides import merge_sides

    if isinstance(paths, str | Path):
        paths = [paths]
    options = options or ScanOptions()
    records = run(find_inputs(paths, options.max_bytes), options, engine)
    return merge_sides(records) if options.join_sides else records


def parse_text(text: str, region: str | None = None, *, source: str = "-") -> CardRecord:
    """Parse card text (one printed line per line) into a record.  Raises
    TextTooLong beyond `MAX_TEXT_CHARS` (no card prints that much)."""
    from .extract import parse_text as _parse

    if len(text) > MAX_TEXT_CHARS:
        raise TextTooLong(source)
    from .extract import review_reasons

    parsed = _parse(text, region=region)
    review = review_reasons(parsed)
    return CardRecord(source, 0, "review" if review else "ok", None, parsed, text,
                      engine="text", review=review)


def to_dataframe(records: Iterable[CardRecord | dict[str, Any]]) -> pd.DataFrame:
    """Records as a DataFrame with the flat columns of leads.csv (phones by type)."""
    import pandas as pd

    from .export.leads_csv import LEAD_COLUMNS, flatten

    rows = [flatten(r.to_dict() if isinstance(r, CardRecord) else r) for r in records]
    return pd.DataFrame(rows, columns=list(LEAD_COLUMNS))


__all__ = ["MAX_TEXT_CHARS", "FileResult", "ScanOutputs", "ScanSummary", "TextTooLong",
           "parse_text", "run_scan", "scan", "to_dataframe"]
