"""Score cardscan on the generated stress set, per field and broken down by language,
layout, colour scheme, company style, kind of image and what each card covers.

    python benchmarks/stress.py DIR [--generate] [--n 500] [--seed 7] [--engine auto]
        [--workers N] [--json OUT] [--save-records FILE.jsonl | --records FILE.jsonl]

DIR holds what `samples/stress.py --out DIR` writes; with --generate (or when
DIR/labels.json is missing) the set is generated first.  Scoring is
benchmarks/scoring.py, the rules of ../shared/cards-dev/README.md, unchanged.
The stress set is for measuring only: nobody looks at its cards one by one or tunes on them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import scoring  # noqa: E402
from benchmarks.accuracy import read_jsonl, run_pipeline  # noqa: E402
from benchmarks.scoring import Labels, Report  # noqa: E402

# Image-entry keys the breakdown groups by (samples/stress.py writes them).
GROUPS = ("lang", "layout", "scheme", "company_style", "kind")
# `covers` tags worth a row of their own.
COVERS = (
    "local-numbers", "intl-numbers", "no-area-code", "several-numbers", "unlabelled-numbers",
    "company-only-in-logo", "company-on-band", "two-line-company", "two-line-title",
    "department", "shop-card", "freemail", "family-name-first", "romanised-name", "example-domain",
    "rotation-90", "rotation-180", "rotation-270",
)
COLUMNS = ("name", "title", "company", "department", "address", "emails", "phones", "websites")


def load_generator() -> Any:
    sys.path.insert(0, str(ROOT / "samples"))
    import stress  # samples/stress.py

    return stress


def group_keys(labels: Labels) -> dict[str, dict[str, list[str]]]:
    """group name -> value -> image keys, from the extra keys of each image entry."""
    out: dict[str, dict[str, list[str]]] = {g: {} for g in (*GROUPS, "covers")}
    for key, entry in sorted(labels.images.items()):
        for g in GROUPS:
            if g in entry:
                out[g].setdefault(str(entry[g]), []).append(key)
        for tag in entry.get("covers", ()):
            if tag in COVERS:
                out["covers"].setdefault(tag, []).append(key)
    return out


def _cell(report: Report, fname: str) -> str:
    mean, n = report.field_stats(fname)
    return "   -  " if mean is None or n == 0 else f"{mean:6.3f}"


def breakdown_table(title: str, reports: Mapping[str, Report]) -> str:
    """One row per group value: each field's mean, all3 and the number of cards."""
    width = max(12, *(len(k) + 1 for k in reports)) if reports else 12
    head = f"{title:<{width}}" + "".join(f"{c[:7]:>8}" for c in COLUMNS)
    head += f"{'all3':>8}{'cards':>7}"
    lines = [head, "-" * len(head)]
    for value, rep in reports.items():
        a3 = rep.all3
        lines.append(
            f"{value:<{width}}" + "".join(f"{_cell(rep, c):>8}" for c in COLUMNS)
            + f"{'-' if a3 is None else format(a3, '.3f'):>8}{len(rep.pairs):>7}"
        )
    return "\n".join(lines)


def score_groups(
    labels: Labels, by_image: Mapping[str, Sequence[Mapping[str, Any]]]
) -> dict[str, dict[str, Report]]:
    groups = group_keys(labels)
    return {
        g: {v: scoring.score(labels, by_image, only=keys) for v, keys in sorted(vals.items())}
        for g, vals in groups.items()
    }


def report_text(overall: Report, groups: Mapping[str, Mapping[str, Report]]) -> str:
    parts = [scoring.format_table({"cardscan": overall})]
    for g, reps in groups.items():
        if reps:
            parts.append(breakdown_table(g, reps))
    return "\n\n".join(parts)


def report_json(overall: Report, groups: Mapping[str, Mapping[str, Report]]) -> dict[str, Any]:
    return {
        "overall": overall.summary(),
        "groups": {g: {v: r.summary() for v, r in reps.items()} for g, reps in groups.items()},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", type=Path, help="stress set folder (labels.json + images)")
    ap.add_argument("--generate", action="store_true", help="(re)generate the set first")
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--engine", default="auto", help="auto, rapidocr, tesseract, replay:FILE")
    ap.add_argument("--region", default=None, help="default region passed to cardscan")
    ap.add_argument("--workers", type=int, default=0, help="processes (0 = all cores)")
    ap.add_argument("--json", type=Path, metavar="OUT", help="write the numbers as JSON")
    ap.add_argument("--save-records", type=Path, metavar="FILE.jsonl")
    ap.add_argument("--records", type=Path, metavar="FILE.jsonl",
                    help="score saved `cardscan scan --jsonl` records instead of scanning")
    args = ap.parse_args(argv)

    labels_path = args.dir / "labels.json"
    if args.generate or not labels_path.is_file():
        stress = load_generator()
        langs, why = stress.available_languages()
        for reason in why:
            print(f"warning: skipping {reason}", file=sys.stderr)
        t0 = time.perf_counter()
        stress.generate(args.dir, args.n, args.seed, langs)
        print(f"generated {args.n} cards in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    labels = scoring.load_labels(labels_path)
    keys = labels.all_images
    paths = [str(args.dir / k) for k in keys]

    t0 = time.perf_counter()
    records: Iterable[dict[str, Any]]
    if args.records is not None:
        records = list(read_jsonl(args.records))
    else:
        records = list(run_pipeline(paths, args.engine, args.workers, args.region))
        if args.save_records is not None:
            with args.save_records.open("w", encoding="utf-8") as fh:
                for rec in records:
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    seconds = time.perf_counter() - t0
    by_image, unmatched = scoring.group_records(records, labels, args.dir)
    if unmatched:
        print(f"{len(unmatched)} record(s) match no image, e.g. {unmatched[0]}", file=sys.stderr)
    overall = scoring.score(labels, by_image)
    groups = score_groups(labels, by_image)
    print(f"stress set: {args.dir} ({len(keys)} images, engine {args.engine})")
    print(report_text(overall, groups))
    if args.records is None:
        print(f"\n{seconds:.0f}s wall, {seconds / max(1, len(keys)):.2f}s per image")
    if args.json is not None:
        data = report_json(overall, groups)
        data["command"] = {"dir": str(args.dir), "engine": args.engine, "seconds": round(seconds)}
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
