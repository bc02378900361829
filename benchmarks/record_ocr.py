"""Record what the OCR engine returns during a real scan, for replay.

    python benchmarks/record_ocr.py PATH... --out pages.jsonl [--engine NAME]

Runs the pipeline exactly as `cardscan scan` does (one process) with the engine
wrapped in a recorder, and writes one line per OCR call: {"thumb", "page"}.
`--engine replay:pages.jsonl` then reproduces the scan without the engine:
tests replay tests/fixtures/samples_rapidocr.jsonl this way, and field rules can
be tuned on real OCR output in seconds.  Only record synthetic cards into the
repository (samples/), never real people's cards.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cardscan import scan
from cardscan.ocr import RecordingEngine, get_engine, page_to_dict
from cardscan.options import ScanOptions


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--out", required=True)
    ap.add_argument("--engine", default="auto")
    ap.add_argument("--no-scripts", action="store_true",
                    help="do not re-read Japanese/Korean/Chinese lines (cardscan/ocr/scripts.py)")
    a = ap.parse_args()
    eng = RecordingEngine(get_engine(a.engine, scripts=not a.no_scripts))
    n = sum(1 for _ in scan(a.paths, ScanOptions(workers=1), engine=eng))
    with open(a.out, "w", encoding="utf-8") as f:
        for thumb, page in eng.recorded:
            f.write(json.dumps({"thumb": thumb.round(1).tolist(), "page": page_to_dict(page)},
                               ensure_ascii=False) + "\n")
    print(f"{n} records, {len(eng.recorded)} OCR calls -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
