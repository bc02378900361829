"""Check the region-evidence weights leave-one-source-out.

    python benchmarks/region_weights.py LABELS.json RECORDS.jsonl [--cases cases.jsonl]

RECORDS.jsonl: cardscan records of the labelled images with their OCR text
(``benchmarks/accuracy.py ... --engine replay:FILE --save-records RECORDS.jsonl``);
only the text is used: every card's numbers are read again with
``cardscan.extract.phones.read_phones`` under each weight setting of a small grid.
Sources are the top folders of the images, plus the shared text cases as one more
source.  For each source left out, the setting with the best phone score on the
other sources is chosen and scored on the left-out one; the shipped setting is
scored on it too.  A shipped setting that is never worse than the chosen ones out
of sample is not tuned to a single source.

Phone score of a card: set F1 of E.164 numbers against the gold ``e164`` values
(cards-dev rules); of a text case: 1 if a non-fax number matches the expected one.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.text_cases import phone_matches
from cardscan.extract import phones as phones_mod
from cardscan.extract import region as region_mod
from cardscan.model import Line

GRID: Mapping[str, Sequence[float]] = {
    "evidence_factor": (0.05, 0.2, 1.0),
    "city": (0.5, 1.0, 2.0),
    "language": (0.0, 2.0),
    "postcode": (0.75, 1.5, 3.0),
}


@dataclass(frozen=True)
class Item:
    source: str
    texts: tuple[str, ...]  # the records' texts for this image (any may be the card)
    gold: frozenset[str]  # E.164, or one expected number (text case)
    case: bool = False


def _items(labels_path: str, records_path: str, cases_path: str | None) -> list[Item]:
    labels = json.loads(Path(labels_path).read_text(encoding="utf-8"))
    texts: dict[str, list[str]] = defaultdict(list)
    for line in Path(records_path).read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        key = rec["source"].split("/images/", 1)[-1]
        if rec.get("text"):
            texts[key].append(rec["text"])
    out = []
    for key, img in labels["images"].items():
        for cid in img["cards"]:
            gold = frozenset(p["e164"] for p in labels["cards"][cid].get("phones") or ()
                             if isinstance(p.get("e164"), str) and p["e164"])
            if gold and texts.get(key):
                out.append(Item(key.split("/", 1)[0], tuple(texts[key]), gold))
    if cases_path:
        for line in Path(cases_path).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            want = (row.get("expected") or {}).get("phone")
            if isinstance(want, str) and want:
                out.append(Item("text-cases", (row["text"],), frozenset([want]), case=True))
    return out


def _numbers(text: str) -> list[tuple[str, str]]:
    lines = [Line.from_text(t) for t in text.splitlines()]
    return [(h.phone.number, h.phone.type) for h in phones_mod.read_phones(lines).hits]


def _score(item: Item) -> float:
    best = 0.0
    for text in item.texts:
        nums = _numbers(text)
        if item.case:
            want = next(iter(item.gold))
            s = float(any(phone_matches(want, n) for n, t in nums if t != "fax"))
        else:
            got = {n for n, _ in nums}
            hit = len(got & item.gold)
            s = 2 * hit / (len(got) + len(item.gold)) if got or item.gold else 1.0
        best = max(best, s)
    return best


@contextmanager
def _setting(setting: Mapping[str, float]) -> Iterator[None]:
    old_w, old_f = region_mod.WEIGHTS, phones_mod.EVIDENCE_FACTOR
    weights = dict(old_w)
    for kind in ("city", "language", "postcode"):
        weights[kind] = setting[kind]  # type: ignore[index]
    region_mod.WEIGHTS = weights  # type: ignore[misc]
    phones_mod.EVIDENCE_FACTOR = setting["evidence_factor"]  # type: ignore[misc]
    try:
        yield
    finally:
        region_mod.WEIGHTS = old_w  # type: ignore[misc]
        phones_mod.EVIDENCE_FACTOR = old_f  # type: ignore[misc]


def shipped() -> dict[str, float]:
    return {"evidence_factor": phones_mod.EVIDENCE_FACTOR,
            **{k: region_mod.WEIGHTS[k] for k in ("city", "language", "postcode")}}  # type: ignore[index]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("labels")
    ap.add_argument("records")
    ap.add_argument("--cases", help="text-cases cases.jsonl (one more source)")
    ap.add_argument("--json", help="write the per-setting scores here")
    args = ap.parse_args(argv)
    items = _items(args.labels, args.records, args.cases)
    sources = sorted({i.source for i in items})
    settings = [dict(zip(GRID, values, strict=True))
                for values in itertools.product(*GRID.values())]
    ship = shipped()
    if ship not in settings:
        settings.append(ship)
    table: list[dict[str, Any]] = []
    for s in settings:
        with _setting(s):
            by: dict[str, list[float]] = defaultdict(list)
            for item in items:
                by[item.source].append(_score(item))
        table.append({"setting": s, "sums": {k: sum(v) for k, v in by.items()},
                      "counts": {k: len(v) for k, v in by.items()}})
    ship_row = next(r for r in table if r["setting"] == ship)
    print(f"{len(items)} cards/cases, {len(settings)} settings; shipped: {ship}")
    print(f"{'left out':50} {'n':>4} {'chosen':>7} {'shipped':>8}  chosen setting")
    for src in sources:
        def train(row: dict[str, Any], src: str = src) -> float:
            n = sum(c for k, c in row["counts"].items() if k != src)
            return sum(v for k, v in row["sums"].items() if k != src) / max(n, 1)
        best = max(table, key=lambda r: (train(r), r["setting"] == ship))
        n = ship_row["counts"][src]
        print(f"{src:50} {n:4d} {best['sums'][src] / n:7.3f} {ship_row['sums'][src] / n:8.3f}  "
              f"{best['setting']}")
    total = sum(ship_row["counts"].values())

    def overall(row: dict[str, Any]) -> float:
        return float(sum(row["sums"].values())) / total

    top = max(overall(r) for r in table)
    ties = sum(1 for r in table if abs(overall(r) - top) < 1e-9)
    print(f"{ties} of {len(table)} settings reach the best overall score {top:.3f}; "
          f"worst {min(overall(r) for r in table):.3f}")
    print(f"{'all, shipped':50} {total:4d} {'':7} {sum(ship_row['sums'].values()) / total:8.3f}")
    if args.json:
        Path(args.json).write_text(json.dumps(table, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
