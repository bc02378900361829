"""How well a field's confidence singles out a misread e-mail or phone.

For every e-mail and phone the pipeline reads off a labelled image, is it one of
the gold values?  Prints, per threshold, how many values fall below it and how
many of those are wrong: the figures behind `cardscan.leads.UNCERTAIN_BELOW`.

    python benchmarks/contact_confidence.py ../shared/cards-dev/labels.json \
        ../shared/cards-dev/images --engine replay:/work/cache/dev_rapidocr.jsonl
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("labels", type=Path)
    ap.add_argument("images", type=Path)
    ap.add_argument("--engine", default="auto", help="auto, rapidocr, or replay:FILE.jsonl")
    args = ap.parse_args()

    from cardscan.api import scan
    from cardscan.ocr import load_replay
    from cardscan.options import ScanOptions

    labels = json.loads(args.labels.read_text(encoding="utf-8"))
    engine = load_replay(args.engine.removeprefix("replay:")) if args.engine.startswith(
        "replay:") else None
    options = ScanOptions(engine=args.engine if engine is None else "auto", workers=1,
                          card_images=False)
    rows: list[tuple[str, float, bool]] = []
    for key, meta in sorted(labels["images"].items()):
        cards = [labels["cards"][c] for c in meta["cards"]]
        emails = {e.lower() for c in cards for e in c["emails"]}
        phones = {p["e164"] for c in cards for p in c["phones"] if p["e164"]}
        unsure = {f for c in cards for f in c.get("uncertain") or []}
        for rec in scan([str(args.images / key)], options, engine=engine):
            if rec.parsed is None:
                continue
            if "emails" not in unsure:
                rows += [("email", e.confidence, e.value.lower() in emails)
                         for e in rec.parsed.emails]
            if "phones" not in unsure:
                rows += [("phone", p.confidence, p.number in phones) for p in rec.parsed.phones]
    for kind in ("email", "phone"):
        values = [r for r in rows if r[0] == kind]
        wrong = sum(not ok for _, _, ok in values)
        print(f"{kind}: {len(values)} read, {wrong} not in the labels")
        for t in THRESHOLDS:
            below = [ok for _, c, ok in values if c < t]
            missed = sum(not ok for _, c, ok in values if c >= t)
            print(f"  below {t:.2f}: {len(below):3d} flagged, {below.count(False)} of them "
                  f"wrong; {missed} wrong not flagged")


if __name__ == "__main__":
    main()
