"""Record what the OCR stage returns for each card, as JSONL.

    python benchmarks/record_ocr.py LABELS.json IMAGES_DIR --out pages.jsonl [--engine NAME]

One line per (image, card crop): {"image", "cards", "card", "thumb", "page"}.  Used to
tune the text stage on real OCR output without re-running OCR, and to make
replay fixtures for tests (only from synthetic samples: never commit real cards).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cardscan.detect import find_cards, warp
from cardscan.load import load_image
from cardscan.ocr import get_engine, page_to_dict, thumbprint
from cardscan.options import ScanOptions


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("labels")
    ap.add_argument("images")
    ap.add_argument("--out", required=True)
    ap.add_argument("--engine", default="auto")
    ap.add_argument("--whole", action="store_true", help="skip card finding")
    a = ap.parse_args()
    labels = json.loads(Path(a.labels).read_text())
    opts = ScanOptions()
    eng = get_engine(a.engine)
    entries = {
        **labels.get("images", {}),
        **{k: {"cards": []} for k in labels.get("negatives", {})},
    }
    with open(a.out, "w") as f:
        for rel, meta in sorted(entries.items()):
            t = time.perf_counter()
            img = load_image(
                str(Path(a.images) / rel), max_pixels=opts.max_pixels, work_side=opts.work_side
            )
            regions = [] if a.whole else find_cards(img.rgb, opts.max_cards)
            crops = [warp(img.rgb, r.quad) for r in regions] or [img.rgb]
            for i, c in enumerate(crops):
                page = eng.read(c)
                f.write(
                    json.dumps(
                        {
                            "image": rel,
                            "cards": meta["cards"],
                            "card": i,
                            "thumb": thumbprint(c).round(1).tolist(),
                            "page": page_to_dict(page),
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
            print(f"{time.perf_counter() - t:5.2f}s {len(crops)} {rel}", file=sys.stderr)


if __name__ == "__main__":
    main()
