"""Hostile inputs, kills and reruns: does `cardscan scan` answer every file, lose
nothing, duplicate nothing, and not read a photo twice?

    python benchmarks/hostile.py [--engine replay:FILE|rapidocr|auto] [--kills N]
        [--rerun] [--rerun-engine rapidocr] [--seed S]

1. **Corpus.**  Builds, in a temporary folder, every kind of file a careless folder
   holds (see `build_corpus`: a non-UTF-8 name, a named pipe, a link to /dev/zero, a
   1 GB sparse .jpg, a path over PATH_MAX, a decompression bomb, truncated and random
   bytes, CMYK, 16-bit, alpha, an EXIF date in 2099, ...), runs the real command
   ``cardscan scan CORPUS --jsonl --csv --db`` with a time limit, and prints each file
   and how it ended (status and reason) next to what was expected.
2. **Kills** (``--kills N``).  Scans samples/ with the replay engine, kills it with
   SIGKILL or SIGTERM at N random moments, reruns to completion each time, and counts
   cards lost and duplicated against a clean run (CSV, JSONL and database).
3. **Rerun** (``--rerun``).  Scans samples/ with the real engine into a fresh
   database, then scans it again: the second run's time as a share of the first.

Nothing here is committed data: the corpus is generated and removed.  The functions are
also what tests/test_hostile.py and tests/test_resume.py use, on smaller settings.
"""

from __future__ import annotations

import argparse
import csv
import errno
import json
import os
import random
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
REPLAY = ROOT / "tests" / "fixtures" / "samples_rapidocr.jsonl"
GOOD_PNG = SAMPLES / "01_scan_left_aligned.png"
GOOD_JPG = SAMPLES / "02_scan_centered_serif.jpg"


@dataclass(frozen=True)
class Case:
    name: str  # as the record's `source` shows it, relative to the corpus folder
    expect: str  # "error" or "read" (ok / review / no_card)
    why: str  # substring of the error expected, or what the case is about


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width x height (a decompression bomb's header)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _deep_folder(top: Path, min_len: int = 4200) -> Path:
    """Nested folders whose full path is longer than PATH_MAX, made with dir fds
    (a path that long cannot be passed to mkdir whole); returns the first level."""
    part = "d" * 200
    first = top / part
    fd = os.open(top, os.O_RDONLY)
    depth = 0
    try:
        while len(str(top)) + depth * (len(part) + 1) < min_len:
            os.mkdir(part, dir_fd=fd)
            nxt = os.open(part, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = nxt
            depth += 1
        img = os.open("card.png", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(img, GOOD_PNG.read_bytes())
        os.close(img)
    finally:
        os.close(fd)
    return first


def build_corpus(folder: Path, *, big: bool = True) -> list[Case]:
    """Write the hostile corpus into `folder`; return what each file should give."""
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []
    rng = random.Random(7)

    def add(name: str, expect: str, why: str) -> None:
        cases.append(Case(name, expect, why))

    (folder / "good.png").write_bytes(GOOD_PNG.read_bytes())
    add("good.png", "read", "an ordinary scan")
    latin1 = os.fsdecode(b"caf\xe9.jpg")  # a Latin-1 name from an old camera card
    (folder / latin1).write_bytes(GOOD_JPG.read_bytes())
    add("caf\\xe9.jpg", "read", "name not UTF-8, shown with an escape")
    os.mkfifo(folder / "pipe.jpg")
    add("pipe.jpg", "error", "a named pipe")
    os.symlink("/dev/zero", folder / "zero.png")
    add("zero.png", "error", "a character device (through a link)")
    os.symlink(folder / "nowhere.png", folder / "broken.jpg")
    add("broken.jpg", "error", "broken link")
    (folder / "adir.png").mkdir()
    (folder / "adir.png" / "inside.png").write_bytes(GOOD_PNG.read_bytes())
    add("adir.png/inside.png", "read", "a folder named like an image is walked")
    if big:
        with open(folder / "sparse.jpg", "wb") as fh:  # 1 GB, no block written
            fh.truncate(1 << 30)
        add("sparse.jpg", "error", "file too large")
    (folder / "empty.jpg").write_bytes(b"")
    add("empty.jpg", "error", "empty file")
    (folder / "random.png").write_bytes(rng.randbytes(4096))
    add("random.png", "error", "not an image")
    jpg = GOOD_JPG.read_bytes()
    (folder / "truncated.jpg").write_bytes(jpg[: len(jpg) // 3])
    add("truncated.jpg", "error", "cannot decode")
    (folder / "bomb.png").write_bytes(_png_header_only(100_000, 100_000))
    add("bomb.png", "error", "too large")
    img = Image.open(GOOD_JPG).convert("RGB")
    img.convert("CMYK").save(folder / "cmyk.jpg")
    add("cmyk.jpg", "read", "CMYK JPEG")
    grey16 = Image.fromarray(np.asarray(img.convert("L"), dtype=np.uint16) * 257)
    grey16.save(folder / "grey16.png")
    add("grey16.png", "read", "16-bit greyscale")
    rgba = img.convert("RGBA")
    rgba.putalpha(200)
    rgba.save(folder / "alpha.png")
    add("alpha.png", "read", "transparency")
    exif = Image.Exif()
    exif[0x0132] = "2099:06:01 10:00:00"  # DateTime: a camera with a wrong clock
    img.save(folder / "exif2099.jpg", exif=exif)
    add("exif2099.jpg", "read", "EXIF date in the future: met today, said in date_note")
    first = _deep_folder(folder)
    add(first.name + "/...", "error", "path too long")
    return cases


@dataclass(frozen=True)
class Outcome:
    case: Case
    got: str  # status(es) seen
    detail: str
    ok: bool


def _records(jsonl: Path) -> list[dict]:
    return [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]


def judge(cases: list[Case], records: list[dict], corpus: Path) -> list[Outcome]:
    """Each case against the records naming it (exactly one answer expected per
    file; a deep folder's answer is its folder's error)."""
    prefix = str(corpus) + "/"
    by_name: dict[str, list[dict]] = {}
    for r in records:
        name = r["source"][len(prefix):] if r["source"].startswith(prefix) else r["source"]
        if name.startswith("d" * 200):
            name = name[:200] + "/..."
        by_name.setdefault(name, []).append(r)
    out = []
    for c in cases:
        recs = by_name.get(c.name, [])
        statuses = sorted({r["status"] for r in recs})
        detail = "; ".join(sorted({r["error"] or r.get("date_note") or "" for r in recs}))
        if c.expect == "error":
            ok = statuses == ["error"] and len(recs) == 1 and c.why in detail
        else:
            ok = bool(recs) and "error" not in statuses
            if "date_note" in c.why:
                ok = ok and all("in the future" in (r.get("date_note") or "") for r in recs)
        out.append(Outcome(c, ",".join(statuses) or "NO ANSWER", detail, ok))
    return out


def cardscan_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "cardscan", *args]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def scan(folder: Path, work: Path, engine: str, *extra: str,
         timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cardscan_cmd("scan", str(folder), "--engine", engine, "--workers", "1",
                     "--db", str(work / "c.db"), "--csv", str(work / "leads.csv"),
                     "--jsonl", str(work / "r.jsonl"), "--met-on", "2026-11-24", *extra),
        capture_output=True, text=True, timeout=timeout, env=_env(), cwd=work)


# --------------------------------------------------------------------------- kills


def _csv_keys(path: Path) -> Counter[tuple[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return Counter((r["source"], r["card"]) for r in csv.DictReader(fh))


def batch_state(work: Path) -> dict[str, Counter]:
    """What a finished batch left: CSV rows, JSONL records, stored cards."""
    con = sqlite3.connect(work / "c.db")
    try:
        stored = Counter(k for (k,) in con.execute("SELECT key FROM sources"))
        leads = Counter(i for (i,) in con.execute("SELECT id FROM leads"))
    finally:
        con.close()
    jsonl = Counter((r["source"], str(r["card"])) for r in _records(work / "r.jsonl"))
    return {"csv": _csv_keys(work / "leads.csv"), "jsonl": jsonl, "sources": stored,
            "leads": leads}


@dataclass(frozen=True)
class KillTrial:
    sig: str
    delay: float
    exit_code: int
    traceback: bool
    temp_left: int
    lost: int
    duplicated: int


def kill_trial(folder: Path, work: Path, reference: dict[str, Counter], sig: int,
               delay: float, engine: str) -> KillTrial:
    """Start a scan, send `sig` after `delay` s, rerun to completion; compare."""
    work.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        cardscan_cmd("scan", str(folder), "--engine", engine, "--workers", "1",
                     "--db", str(work / "c.db"), "--csv", str(work / "leads.csv"),
                     "--jsonl", str(work / "r.jsonl"), "--met-on", "2026-11-24"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(), cwd=work)
    time.sleep(delay)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    temp_left = sum(1 for p in work.iterdir() if p.name.endswith(".tmp"))
    done = scan(folder, work, engine)
    if done.returncode != 0:
        raise RuntimeError(f"rerun failed ({done.returncode}): {done.stderr}")
    got = batch_state(work)
    lost = dup = 0
    for what, ref in reference.items():
        lost += sum((ref - got[what]).values())
        dup += sum((got[what] - ref).values())
    return KillTrial(signal.Signals(sig).name, delay, proc.returncode, "Traceback" in err,
                     temp_left, lost, dup)


# --------------------------------------------------------------------------- main


def _print_corpus(engine: str) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        corpus, work = Path(tmp) / "corpus", Path(tmp) / "work"
        work.mkdir()
        cases = build_corpus(corpus)
        t0 = time.monotonic()
        try:
            res = scan(corpus, work, engine, timeout=600)
        except subprocess.TimeoutExpired:
            print("corpus: HANG (no answer in 600 s)")
            return False
        took = time.monotonic() - t0
        outcomes = judge(cases, _records(work / "r.jsonl"), corpus)
        print(f"$ cardscan scan CORPUS --engine {engine} --workers 1 --db --csv --jsonl")
        print(f"exit {res.returncode} in {took:.1f} s; traceback: {'Traceback' in res.stderr}")
        for o in outcomes:
            print(f"  {'ok ' if o.ok else 'BAD'} {o.case.name[:40]:40} {o.got:8} {o.detail[:90]}")
        good = sum(o.ok for o in outcomes)
        print(f"files {len(outcomes)}: {good} answered as expected, "
              f"{len(outcomes) - good} not; crashes {int('Traceback' in res.stderr)}; hangs 0")
        if os.geteuid() == 0:
            print("  (an unreadable folder is not in the corpus: root reads every folder; "
                  "tests/test_hostile.py covers it)")
        return good == len(outcomes) and "Traceback" not in res.stderr


def _print_kills(n: int, seed: int, engine: str) -> bool:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        ref_work = Path(tmp) / "ref"
        ref_work.mkdir()
        t0 = time.monotonic()
        scan(SAMPLES, ref_work, engine)
        full = time.monotonic() - t0
        reference = batch_state(ref_work)
        print(f"kills: clean run {full:.1f} s, {sum(reference['csv'].values())} CSV rows")
        trials = []
        for i in range(n):
            sig = signal.SIGKILL if i % 2 == 0 else signal.SIGTERM
            delay = rng.uniform(0.5, max(1.0, full * 0.9))
            t = kill_trial(SAMPLES, Path(tmp) / f"k{i}", reference, sig, delay, engine)
            trials.append(t)
            print(f"  {t.sig:7} at {t.delay:5.1f} s: exit {t.exit_code:4}, traceback "
                  f"{t.traceback}, temp files left {t.temp_left}, after rerun lost "
                  f"{t.lost}, duplicated {t.duplicated}")
        lost = sum(t.lost for t in trials)
        dup = sum(t.duplicated for t in trials)
        print(f"kill points tried {n}: cards lost {lost}, duplicated {dup}")
        return lost == dup == 0


def _print_rerun(engine: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        times = []
        for _ in range(2):
            t0 = time.monotonic()
            res = scan(SAMPLES, work, engine, timeout=3600)
            times.append(time.monotonic() - t0)
            print("  " + res.stderr.strip().splitlines()[-1])
        print(f"rerun of a finished batch ({engine}): first {times[0]:.1f} s, "
              f"rerun {times[1]:.1f} s = {100 * times[1] / times[0]:.1f}% of the first")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engine", default=f"replay:{REPLAY}", help="engine for corpus and kills")
    ap.add_argument("--kills", type=int, default=0, help="kill points to try on samples/")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rerun", action="store_true", help="time a rerun of samples/")
    ap.add_argument("--rerun-engine", default="rapidocr")
    ap.add_argument("--no-corpus", action="store_true")
    args = ap.parse_args(argv)
    ok = True
    if not args.no_corpus:
        ok &= _print_corpus(args.engine)
    if args.kills:
        ok &= _print_kills(args.kills, args.seed, args.engine)
    if args.rerun:
        _print_rerun(args.rerun_engine)
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except OSError as e:
        if e.errno == errno.EPIPE:
            sys.exit(0)
        raise
