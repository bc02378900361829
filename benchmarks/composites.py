"""Several cards per photo: each card read in a composite against the same card alone.

    python benchmarks/composites.py                       # samples/ cards only
    python benchmarks/composites.py --dev ../shared/cards-dev --dev-limit 16
    python benchmarks/composites.py --no-samples --stress-lang zh     # Chinese cards

Cards: the faces of samples/generate.py's cards and, with --dev, crops of
cards-dev cards (cut out by cardscan's own detector from the photos; app crops
and scans are used whole).  Nothing is written to disk: composites and crops
live in memory only (never commit them; they hold real people's cards).

Each card is laid alone on a synthesized desk (wood, grey, paper), and in
groups of 2, 4 and 8 on the same kind of desk: touching (gaps of 0-6 px),
each turned by a random angle.  Every photo goes through `cardscan.scan`
(real OCR engine); the record that best matches each gold card is scored with
benchmarks/scoring.py.  Reported: all3 (name, emails, phones right) of the
cards alone and in each group size, and the difference.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples"))

from benchmarks.scoring import all3, best_match  # noqa: E402
from cardscan import scan  # noqa: E402
from cardscan.options import ScanOptions  # noqa: E402

FRAME = (1600, 2133)  # w, h: a 3:4 phone frame, as samples/generate.py
DESKS = ("wood", "grey", "paper")


def desk(kind: str, rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """A synthesized desk texture, float32 RGB."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    low = cv2.resize(rng.standard_normal((8, 6)).astype(np.float32), (w, h),
                     interpolation=cv2.INTER_CUBIC)
    if kind == "wood":
        grain = np.sin(xx / 9.0 + 3 * low + 0.002 * yy * rng.uniform(0.5, 1.5)) * 0.5 + 0.5
        light, dark = np.array([190, 145, 98], np.float32), np.array([120, 80, 45], np.float32)
        img = dark + (light - dark) * grain[..., None]
    elif kind == "grey":
        img = np.full((h, w, 3), 120, np.float32) + 10 * low[..., None]
    else:  # paper: the same colour as most cards, the hard case
        img = np.full((h, w, 3), 236, np.float32) + 4 * low[..., None]
    return img + rng.standard_normal((h, w)).astype(np.float32)[..., None] * 3


def lay(faces: Sequence[np.ndarray], kind: str, rng: np.random.Generator,
        cols: int) -> np.ndarray:
    """Cards in a grid of `cols` columns, touching, each turned a few degrees."""
    return lay_quads(faces, kind, rng, cols)[0]


def lay_quads(faces: Sequence[np.ndarray], kind: str, rng: np.random.Generator,
              cols: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """`lay`, and where each card lies (its corners in the photo)."""
    w, h = FRAME
    quads: list[np.ndarray] = []
    img = desk(kind, rng, w, h)
    rows = -(-len(faces) // cols)
    cell_w, cell_h = w * 0.92 / cols, h * 0.92 / max(rows, 2)
    for i, face in enumerate(faces):
        fh, fw = face.shape[:2]
        k = min(cell_w * 0.97 / fw, cell_h * 0.97 / fh)
        cw, ch = fw * k, fh * k
        cx = w * 0.04 + cell_w * (i % cols + 0.5) + rng.uniform(-3, 3)
        cy = h * 0.04 + cell_h * (i // cols + 0.5) + rng.uniform(-3, 3)
        # Small enough not to cover the neighbour, big enough to be "different angles".
        ang = float(rng.uniform(-4, 4))
        src = np.array([[0, 0], [fw, 0], [fw, fh], [0, fh]], np.float32)
        dst = cv2.boxPoints(((cx, cy), (cw, ch), ang)).astype(np.float32)
        dst = dst[np.argsort(np.arctan2(dst[:, 1] - cy, dst[:, 0] - cx))]
        dst = np.roll(dst, -int(np.argmin(dst.sum(axis=1))), axis=0)
        m = cv2.getPerspectiveTransform(src, dst)
        quads.append(dst)
        warped = cv2.warpPerspective(face.astype(np.float32), m, (w, h))
        mask = cv2.warpPerspective(np.ones((fh, fw), np.float32), m, (w, h))
        shadow = cv2.GaussianBlur(np.roll(mask, (6, 5), axis=(0, 1)), (0, 0), 8)
        img *= 1 - 0.3 * shadow[..., None]
        img = img * (1 - mask[..., None]) + warped * mask[..., None]
    img = cv2.GaussianBlur(img, (0, 0), 0.8)
    return np.clip(img, 0, 255).astype(np.uint8), quads


def detect_only(cards: list[tuple[str, dict[str, Any], np.ndarray]], sizes: list[int],
                rng: np.random.Generator, dump: Path | None) -> int:
    """Outlines only (no OCR, seconds): per group size, the share of laid cards
    whose outline was found (IoU >= 0.85), cards merged or cut, extra outlines."""
    from cardscan.detect import _iou, find_cards

    print(f"{'cards/photo':>11} {'photos':>6} {'cards':>5} {'found':>6} {'missed':>6} "
          f"{'extra':>5}")
    for n in sizes:
        order = rng.permutation(len(cards))
        groups = [order[i:i + n] for i in range(0, len(order) - n + 1, n)]
        found = missed = extra = laid = 0
        for gi, grp in enumerate(groups):
            photo, truth = lay_quads([cards[j][2] for j in grp], DESKS[gi % 3], rng,
                                     1 if n <= 2 else 2)
            regions = find_cards(photo)
            hit = [max((_iou(r.quad, t) for r in regions), default=0.0) >= 0.85 for t in truth]
            laid += len(truth)
            found += sum(hit)
            missed += len(truth) - sum(hit)
            extra += sum(max(_iou(r.quad, t) for t in truth) < 0.5 for r in regions)
            if dump and not all(hit):
                _outlines(dump / f"detect-{n}-{gi}-{DESKS[gi % 3]}.png", photo)
                np.savez_compressed(dump / f"detect-{n}-{gi}.npz", photo=photo,
                                    truth=np.array(truth))
        print(f"{n:>11} {len(groups):>6} {laid:>5} {found / max(1, laid):6.3f} {missed:>6} "
              f"{extra:>5}")
    return 0


def sample_cards() -> Iterator[tuple[str, dict[str, Any], np.ndarray]]:
    import generate as g

    for c in g.CARDS:
        yield f"samples:{c.id}", g.card_label(c), np.asarray(g.render_card(c))


def _detector(path: Path | None) -> Any:
    """The detect module that cuts cards-dev photos into faces: the one under
    test, or the file given (a copy of main's detect.py, so that a before and an
    after run lay the same faces: the detector under test decides which photos
    give exactly one card)."""
    if path is None:
        from cardscan import detect

        return detect
    import importlib.util

    spec = importlib.util.spec_from_file_location("composites_faces_detect", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is built
    spec.loader.exec_module(module)
    return module


def dev_cards(root: Path, limit: int, faces_detect: Path | None = None
              ) -> Iterator[tuple[str, dict[str, Any], np.ndarray]]:
    """Flat faces of cards-dev cards, in memory: crops/scans whole, photos cut
    out by the detector (a photo where it finds no card is skipped)."""
    from cardscan.load import load_image

    det = _detector(faces_detect)
    find_cards, warp = det.find_cards, det.warp

    labels = json.loads((root / "labels.json").read_text(encoding="utf-8"))
    n = 0
    for key, meta in sorted(labels["images"].items()):
        if n >= limit:
            return
        img = load_image(str(root / "images" / key), max_pixels=80_000_000, work_side=2000)
        if meta["kind"] in ("crop", "scan", "web"):
            face = img.rgb
        else:
            regions = find_cards(img.rgb)
            if len(regions) != 1:
                continue
            face = warp(img.rgb, regions[0].quad)
        if face.shape[0] > face.shape[1]:
            continue  # portrait cards do not tile like the rest; keep the grid simple
        n += 1
        yield f"dev:{key}", labels["cards"][meta["cards"][0]], face


def stress_cards(langs: Sequence[str], n: int, seed: int
                 ) -> Iterator[tuple[str, dict[str, Any], np.ndarray]]:
    """Faces of samples/stress.py's cards in `langs` among its first n (the
    issue's 4-card photos of Chinese cards: --stress-lang zh --stress-n 120
    --stress-seed 11).  Portrait cards are left out, as for cards-dev."""
    import stress

    for i in range(n):
        if stress.LANGS[i % len(stress.LANGS)] not in langs:
            continue
        c, face = stress.build(i, seed)
        arr = np.asarray(face.convert("RGB"))
        if arr.shape[0] > arr.shape[1]:
            continue
        yield f"stress:{c.id}:{c.locale}", stress.card_label(c), arr


_ENGINE: list[Any] = []


def _engine(options: ScanOptions) -> Any:
    """One engine in this process: this script does OpenCV work before the
    scan, and forking a process pool after that can hang the workers."""
    if not _ENGINE:
        from cardscan.pipeline import load_engine

        _ENGINE.append(load_engine(options))
    return _ENGINE[0]


def read(photos: list[np.ndarray], tmp: Path, options: ScanOptions) -> list[list[dict]]:
    """Records of each photo, via the real pipeline on JPEG files (as taken)."""
    from PIL import Image

    paths = []
    for i, arr in enumerate(photos):
        p = tmp / f"{i:04d}.jpg"
        Image.fromarray(arr).save(p, "JPEG", quality=90)
        paths.append(p)
    by: dict[str, list[dict]] = {str(p): [] for p in paths}
    for r in scan(paths, options, engine=_engine(options)):
        by[r.source].append(r.to_dict())
    for p in paths:
        p.unlink()
    return [by[str(p)] for p in paths]


def _lost(folder: Path, photo: str, card: tuple[str, dict[str, Any], np.ndarray],
          scores: dict[str, float], rec: dict[str, Any] | None, found: int, laid: int) -> None:
    """One line on a card read worse in the group than alone."""
    folder.mkdir(parents=True, exist_ok=True)
    keep = ("name", "emails", "phones", "company")
    line = {"photo": photo, "card": card[0], "found": found, "laid": laid, "scores": scores,
            "gold": {k: card[1].get(k) for k in ("name", "emails", "phones")},
            "read": {k: rec.get(k) for k in keep} if rec is not None else None}
    with open(folder / "lost.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")


def _outlines(path: Path, photo: np.ndarray) -> None:
    """The photo with each outline find_cards returns drawn on it, numbered."""
    from cardscan.detect import find_cards

    path.parent.mkdir(parents=True, exist_ok=True)
    out = cv2.cvtColor(photo, cv2.COLOR_RGB2BGR)
    for i, r in enumerate(find_cards(photo)):
        q = r.quad.astype(np.int32)
        cv2.polylines(out, [q], True, (0, 0, 255), 5)
        cv2.putText(out, f"{i} {r.method}", tuple(int(v) for v in q[0] + 20),
                    cv2.FONT_HERSHEY_SIMPLEX, 1.6, (0, 0, 255), 3)
    cv2.imwrite(str(path), cv2.resize(out, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, help="cards-dev folder (labels.json, images/)")
    ap.add_argument("--dev-limit", type=int, default=16)
    ap.add_argument("--no-samples", action="store_true")
    ap.add_argument("--stress-lang", action="append", default=[],
                    help="add samples/stress.py cards of this language (repeatable)")
    ap.add_argument("--stress-n", type=int, default=120)
    ap.add_argument("--stress-seed", type=int, default=11)
    ap.add_argument("--sizes", default="2,4,8")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--dump", type=Path,
                    help="folder OUTSIDE the repository: each group photo with the outlines "
                         "found drawn on it (PNG) and lost.jsonl, one line per card read worse "
                         "than alone (may hold cards-dev text: never commit it)")
    ap.add_argument("--frame", default="1600x2133",
                    help="photo size WxH; 3024x4032 is a 12 MP phone photo, which the "
                         "pipeline decodes at half size")
    ap.add_argument("--no-full-res", action="store_true",
                    help="cut every card from the reduced photo (the behaviour before "
                         "load.full_resolution), to measure what it changes")
    ap.add_argument("--detect-only", action="store_true",
                    help="outlines only, no OCR: cards found per group size")
    ap.add_argument("--faces-detect", type=Path, metavar="DETECT_PY",
                    help="cut cards-dev photos into faces with this detect.py (e.g. main's, "
                         "from `git show main:cardscan/detect.py`) instead of the one under "
                         "test, so that runs before and after a detect change lay the same "
                         "cards")
    a = ap.parse_args(argv)
    global FRAME
    fw, fh = (int(v) for v in a.frame.lower().split("x"))
    FRAME = (fw, fh)
    if a.no_full_res:
        from cardscan import pipeline

        pipeline.MIN_CARDS_FULL_RES = 10**6
    cards = [] if a.no_samples else list(sample_cards())
    if a.dev:
        cards += list(dev_cards(a.dev, a.dev_limit, a.faces_detect))
    if a.stress_lang:
        cards += list(stress_cards(a.stress_lang, a.stress_n, a.stress_seed))
    rng = np.random.default_rng(a.seed)
    if a.detect_only:
        return detect_only(cards, [1, *(int(x) for x in a.sizes.split(","))], rng, a.dump)
    options = ScanOptions(workers=1, join_sides=False)
    t0 = time.time()
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="cardscan-composites-") as tmpname:
        tmp = Path(tmpname)
        alone_photos = [lay([face], DESKS[i % 3], rng, 1) for i, (_, _, face) in enumerate(cards)]
        alone = [all3(best_match(lab, recs)[1])
                 for (_, lab, _), recs in zip(cards, read(alone_photos, tmp, options),
                                              strict=True)]
        results["1"] = {"cards": len(cards), "all3": float(np.mean(alone)), "errors": 0}
        for n in (int(s) for s in a.sizes.split(",")):
            order = rng.permutation(len(cards))
            groups = [order[i:i + n] for i in range(0, len(order) - n + 1, n)]
            photos = [lay([cards[j][2] for j in grp], DESKS[gi % 3], rng, 1 if n == 2 else 2)
                      for gi, grp in enumerate(groups)]
            got, ref, errors = [], [], 0
            for gi, (grp, recs) in enumerate(zip(groups, read(photos, tmp, options),
                                                 strict=True)):
                errors += sum(r["status"] == "error" for r in recs)
                found = [r for r in recs if r["status"] in ("ok", "review")]
                for j in grp:
                    match = best_match(cards[j][1], found)
                    got.append(all3(match[1]))
                    ref.append(alone[j])
                    if a.dump and got[-1] < alone[j]:
                        rec = found[match[0]] if match[0] is not None else None
                        _lost(a.dump, f"{n}-{gi}", cards[j], match[1], rec, len(found), len(grp))
                if a.dump:
                    _outlines(a.dump / f"{n}-{gi}.png", photos[gi])
            results[str(n)] = {"cards": len(got), "all3": float(np.mean(got)),
                               "alone_all3": float(np.mean(ref)),
                               "delta": float(np.mean(got) - np.mean(ref)), "errors": errors,
                               "photos": len(photos)}
    print(f"{len(cards)} cards ({sum(c[0].startswith('dev:') for c in cards)} from cards-dev), "
          f"{time.time() - t0:.0f} s")
    print(f"{'cards/photo':>11} {'photos':>6} {'cards':>5} {'all3':>6} {'alone':>6} "
          f"{'delta':>6} {'errors':>6}")
    for k, v in results.items():
        print(f"{k:>11} {v.get('photos', v['cards']):>6} {v['cards']:>5} {v['all3']:6.3f} "
              f"{v.get('alone_all3', v['all3']):6.3f} {v.get('delta', 0.0):+6.3f} "
              f"{v['errors']:>6}")
    if a.json:
        a.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
