"""Cards per second of `cardscan scan` against the DIY script and plain RapidOCR, with
CPU per stage and memory over the run.

    python benchmarks/throughput.py IMAGES_DIR [--workers 1,2] [--limit N] [--repeat K]
        [--min-mp X] [--modes cli,diy,rapidocr] [--engine NAME] [--json OUT]

Every mode runs in its own child process over the same image list, one after the other,
once for each number of workers in ``--workers``:

* ``cli``: the real command, ``cardscan scan FILES... --jsonl OUT --workers N``,
  timed end to end (interpreter start, imports, writing the output and the database);
* ``library``: ``cardscan.scan(paths, ScanOptions(workers=N))`` in a fresh interpreter;
* ``diy``: the script of issue 10 (benchmarks/naive.py with ``max_side=1600``: Pillow
  downscale to 1600 px, pytesseract, regexes) with N processes;
* ``rapidocr``: plain ``RapidOCR()(path)`` (its default pipeline) and the same regexes,
  with N processes;
* ``naive``: the naive baseline of benchmarks/accuracy.py (Tesseract on the whole photo).

For ``cli`` and ``library`` the CPU seconds are split by stage (startup, decode, find,
detect, recognise, extract, store; cardscan/stages.py, switched on through the
environment variable CARDSCAN_STAGE_TIMES); ``other`` is the rest of the tree's CPU time
(interpreter start, imports, the pool and its messages).

While a mode runs, the resident memory of its whole process tree (the child and all its
descendants) is sampled every 0.25 s (psutil if installed, else /proc): the table gives the
peak and the median of the samples in each quarter of the run (the JSON adds the RSS at
10%, 50% and 90% of the run); summed RSS counts shared pages once per process, so PSS from
/proc/PID/smaps_rollup is given too.  A leak or an all-images-in-memory design shows as
growth from quarter to quarter.  ``--repeat K`` cycles the image list K times
(through symlinks with distinct names) to make a long run.  The load average before each
mode is printed: wall-clock figures taken while other heavy jobs run are not comparable, so
the CPU seconds of each tree are given too (reaped children, or the last CPU time sampled
of every process in the tree, whichever is more), with the photos per second that ``workers`` idle
cores would reach at that CPU cost (an upper bound: perfect spreading over the cores).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cardscan import stages  # noqa: E402
from cardscan.ocr.registry import check_name, engine_help  # noqa: E402

IMAGE_EXTS = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp"})
MODES = ("cli", "library", "diy", "rapidocr", "naive")
DEFAULT_MODES = "cli,diy,rapidocr"
DIY_MAX_SIDE = 1600  # px: the DIY script's downscale (issue 10)
CARD_STATUSES = frozenset({"ok", "review"})
SAMPLE_EVERY = 0.25
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


# --------------------------------------------------------------------------- memory


def _children_proc(pid: int) -> list[int]:
    """Direct children of ``pid`` from /proc (every thread's children list)."""
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    out.extend(int(c) for c in fh.read().split())
            except OSError:
                continue
    except OSError:
        pass
    return out


def _rss_proc(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _pss_proc(pid: int) -> int:
    """Proportional set size (shared pages split between their users), 0 if unknown."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def tree_pids(pid: int) -> list[int]:
    """``pid`` and all its descendants (psutil if installed, else /proc)."""
    try:
        import psutil

        try:
            return [pid, *(c.pid for c in psutil.Process(pid).children(recursive=True))]
        except psutil.Error:
            return []
    except ImportError:
        pass
    seen: list[int] = []
    todo = [pid]
    while todo:
        p = todo.pop()
        if p in seen or not os.path.exists(f"/proc/{p}"):
            continue
        seen.append(p)
        todo.extend(_children_proc(p))
    return seen


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_proc(pid: int) -> float:
    """User + system seconds of one process itself (all its threads), 0 if unknown."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime
    except (OSError, IndexError, ValueError):
        return 0.0


def tree_memory(pid: int) -> tuple[int, int, int]:
    """(summed RSS, summed PSS, process count) in bytes of ``pid`` and its descendants.

    Summed RSS counts pages shared between processes once per process (an upper bound);
    summed PSS splits them, so it is what the tree really holds (0 where unreadable)."""
    pids = tree_pids(pid)
    return sum(_rss_proc(p) for p in pids), sum(_pss_proc(p) for p in pids), len(pids)


@dataclass
class Sampler:
    """Samples the RSS of a process tree on a thread until stopped."""

    pid: int
    every: float = SAMPLE_EVERY
    # (seconds since start, summed RSS, summed PSS, processes)
    samples: list[tuple[float, int, int, int]] = field(default_factory=list)
    # Last CPU seconds seen of every process of the tree.  Pool workers forked by a
    # fork server are not the run's children, so RUSAGE_CHILDREN misses them.
    cpu_seen: dict[int, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> Sampler:
        self._t0 = time.perf_counter()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            for p in tree_pids(self.pid):
                self.cpu_seen[p] = max(self.cpu_seen.get(p, 0.0), _cpu_proc(p))
            rss, pss, n = tree_memory(self.pid)
            if n:
                self.samples.append((time.perf_counter() - self._t0, rss, pss, n))
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def summary(self) -> dict[str, Any]:
        s = [x for x in self.samples if x[1] > 0]
        if not s:
            return {"samples": 0}
        end = s[-1][0] or 1.0

        def at(frac: float, col: int = 1) -> int:
            return int(min(s, key=lambda x: abs(x[0] - frac * end))[col])

        half = [x for x in s if x[0] <= end / 2]
        rest = [x for x in s if x[0] > end / 2]
        mb = 1024 * 1024
        return {
            "samples": len(s),
            "peak_mb": round(max(x[1] for x in s) / mb, 1),
            "rss_10pct_mb": round(at(0.1) / mb, 1),
            "rss_50pct_mb": round(at(0.5) / mb, 1),
            "rss_90pct_mb": round(at(0.9) / mb, 1),
            "peak_first_half_mb": round(max((x[1] for x in half), default=0) / mb, 1),
            "peak_second_half_mb": round(max((x[1] for x in rest), default=0) / mb, 1),
            "peak_pss_mb": round(max(x[2] for x in s) / mb, 1),
            "pss_10pct_mb": round(at(0.1, 2) / mb, 1),
            "pss_50pct_mb": round(at(0.5, 2) / mb, 1),
            "pss_90pct_mb": round(at(0.9, 2) / mb, 1),
            "max_procs": max(x[3] for x in s),
            # Median of the samples in each quarter of the run: robust to the spike of one
            # large photo, so growth over the run (a leak, or images piling up) shows.
            "rss_quarter_median_mb": [round(q / mb, 1) for q in _quarter_medians(s, 1, end)],
            "pss_quarter_median_mb": [round(q / mb, 1) for q in _quarter_medians(s, 2, end)],
        }


def _quarter_medians(
    samples: list[tuple[float, int, int, int]], col: int, end: float
) -> list[float]:
    out: list[float] = []
    for q in range(4):
        vals = [x[col] for x in samples if q * end / 4 <= x[0] <= (q + 1) * end / 4]
        out.append(float(statistics.median(vals)) if vals else 0.0)
    return out


# --------------------------------------------------------------------------- images


def list_images(root: Path) -> list[Path]:
    root = root.absolute()  # the children run in a temporary folder
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_EXTS)


def cycle_paths(images: list[Path], repeat: int, tmp: Path) -> list[str]:
    """The image list, or K copies of it as symlinks with distinct names."""
    if repeat <= 1:
        return [str(p) for p in images]
    out: list[str] = []
    for k in range(repeat):
        d = tmp / f"pass{k:03d}"
        d.mkdir()
        for i, p in enumerate(images):
            link = d / f"{i:05d}{p.suffix.lower()}"
            link.symlink_to(p.resolve())
            out.append(str(link))
    return out


def megapixels(images: list[Path]) -> list[float]:
    """Megapixels of each image from its header (0 when unreadable)."""
    from PIL import Image

    mps: list[float] = []
    for p in images:
        try:
            with Image.open(p) as im:
                mps.append(im.width * im.height / 1e6)
        except Exception:
            mps.append(0.0)
    return mps


# --------------------------------------------------------------------------- child runs


def _engine_name(value: str) -> str:
    try:
        return check_name(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _child_run(mode: str, paths_file: Path, workers: int, engine: str) -> None:
    """In the child: run one mode over the listed paths, print one JSON line of counts."""
    paths = paths_file.read_text(encoding="utf-8").splitlines()
    statuses: dict[str, int] = {}
    t0 = time.perf_counter()
    if mode == "library":
        from cardscan import scan
        from cardscan.options import ScanOptions

        it: Iterator[Any] = (
            r.to_dict() for r in scan(paths, options=ScanOptions(workers=workers, engine=engine))
        )
    elif mode == "rapidocr":
        from benchmarks.naive import plain_rapidocr_records

        it = plain_rapidocr_records(paths, workers=workers)
    else:
        from benchmarks.naive import naive_records

        it = naive_records(paths, workers=workers,
                           max_side=DIY_MAX_SIDE if mode == "diy" else 0)
    first: float | None = None
    for rec in it:
        if first is None:
            first = time.perf_counter() - t0
        st = str(rec.get("status"))
        statuses[st] = statuses.get(st, 0) + 1
    seconds = time.perf_counter() - t0
    print(json.dumps({"statuses": statuses, "inner_seconds": seconds, "first_record_s": first}))


def run_mode(mode: str, paths: list[str], workers: int, engine: str, tmp: Path) -> dict[str, Any]:
    paths_file = tmp / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
    stage_dir = tmp / f"stages-{mode}-{workers}"
    stage_dir.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        stages.ENV: str(stage_dir),
    }
    out_jsonl = tmp / f"{mode}-{workers}.jsonl"
    if mode == "cli":
        db = tmp / f"{mode}-{workers}.db"
        cmd = [
            sys.executable, "-c", "import sys; from cardscan.cli import main; sys.exit(main())",
            "scan", *paths, "--jsonl", str(out_jsonl), "--workers", str(workers),
            "--db", str(db),
        ]  # fmt: skip
    else:
        cmd = [
            sys.executable, str(Path(__file__).resolve()), "--child", mode,
            "--paths-file", str(paths_file), "--workers", str(workers), "--engine", engine,
        ]  # fmt: skip
    load_before = os.getloadavg()
    # CPU time of the child and every descendant it waited for (pool workers, tesseract):
    # unlike wall time it hardly depends on what else the machine is doing.
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    sampler = Sampler(proc.pid).start()
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - t0
    sampler.stop()
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    # What the run's reaped processes used (tesseract runs of the baselines included),
    # or what the sampled processes were last seen using (workers of a fork server,
    # which the run does not reap), whichever is more.
    reaped = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    cpu = max(reaped, sum(sampler.cpu_seen.values()))
    result: dict[str, Any] = {
        "mode": mode,
        "workers": workers,
        "returncode": proc.returncode,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "photos": len(paths),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "memory": sampler.summary(),
    }
    if mode == "cli":
        statuses: dict[str, int] = {}
        if out_jsonl.is_file():
            with out_jsonl.open(encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        st = str(json.loads(line).get("status"))
                        statuses[st] = statuses.get(st, 0) + 1
        result["statuses"] = statuses
        # 1 = some inputs failed, still a full run; no output at all is a failure.
        ok = proc.returncode in (0, 1) and sum(statuses.values()) >= len(paths)
    else:
        last = stdout.strip().splitlines()[-1] if stdout.strip() else "{}"
        try:
            info = json.loads(last)
        except json.JSONDecodeError:
            info = {}
        result["statuses"] = info.get("statuses", {})
        result["inner_seconds"] = round(info.get("inner_seconds", 0.0), 2)
        result["first_record_s"] = info.get("first_record_s")
        ok = proc.returncode == 0
    if not ok:
        result["error"] = (stderr.strip().splitlines() or ["(no stderr)"])[-1][:300]
    cards = sum(n for st, n in result["statuses"].items() if st in CARD_STATUSES)
    result["cards"] = cards
    result["photos_per_s"] = round(len(paths) / seconds, 3) if seconds else None
    result["cards_per_s"] = round(cards / seconds, 3) if seconds else None
    # What `workers` idle cores would do if the CPU work spread perfectly: an upper bound,
    # useful when the machine was shared during the run.
    result["cpu_s_per_photo"] = round(cpu / len(paths), 3) if paths else None
    result["idle_estimate_photos_per_s"] = round(workers * len(paths) / cpu, 3) if cpu else None
    result["stage_cpu_s_per_photo"] = stage_split(stage_dir, cpu, len(paths))
    return result


def stage_split(folder: Path, cpu: float, photos: int) -> dict[str, float]:
    """CPU seconds per photo by stage (what cardscan/stages.py wrote), and `other`: the
    rest of the tree's CPU.  Empty for modes that write no stage times."""
    got = stages.collect(folder)["cpu"]
    if not got or not photos:
        return {}
    out = {name: round(got.get(name, 0.0) / photos, 4) for name in stages.STAGES}
    out["other"] = round(max(0.0, cpu - sum(got.values())) / photos, 4)
    return out


# --------------------------------------------------------------------------- output


def ratios(results: list[dict[str, Any]]) -> list[str]:
    """cardscan against each baseline at the same number of workers: cards/s, and
    CPU-s per photo (which load on a shared machine changes much less)."""
    out: list[str] = []
    by = {(r["mode"], r["workers"]): r for r in results}
    for (mode, w), r in by.items():
        if mode not in ("cli", "library") or not r["cards_per_s"]:
            continue
        for base in ("diy", "rapidocr", "naive"):
            b = by.get((base, w))
            if b and b["cards_per_s"] and b["cpu_s_per_photo"]:
                out.append(
                    f"{mode} x{w} vs {base}: {r['cards_per_s'] / b['cards_per_s']:.2f}x the "
                    f"cards/s, {b['cpu_s_per_photo'] / r['cpu_s_per_photo']:.2f}x less CPU "
                    "per photo"
                )
    return out


def format_table(results: list[dict[str, Any]]) -> str:
    """Speed table, then memory table (MB of the whole process tree)."""
    head = (
        f"{'mode':<12}{'photos':>7}{'cards':>7}{'wall s':>8}{'photos/s':>9}{'cards/s':>8}"
        f"{'cpu s':>8}{'cpu/photo':>10}{'idle est/s':>11}{'load':>11}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        load = f"{r['load_before'][0]:.1f}>{r['load_after'][0]:.1f}"
        lines.append(
            f"{_label(r):<12}{r['photos']:>7}{r['cards']:>7}{r['seconds']:>8.1f}"
            f"{r['photos_per_s'] or 0:>9.2f}{r['cards_per_s'] or 0:>8.2f}"
            f"{r['cpu_seconds']:>8.1f}{r['cpu_s_per_photo'] or 0:>10.2f}"
            f"{r['idle_estimate_photos_per_s'] or 0:>11.2f}{load:>11}"
        )
    split = [r for r in results if r.get("stage_cpu_s_per_photo")]
    if split:
        names = [*stages.STAGES, "other"]
        head3 = f"{'mode':<12}" + "".join(f"{n:>10}" for n in names)
        lines += ["", "CPU-s per photo by stage (all processes of the run)", head3,
                  "-" * len(head3)]
        for r in split:
            st = r["stage_cpu_s_per_photo"]
            lines.append(f"{_label(r):<12}" + "".join(f"{st.get(n, 0.0):>10.3f}" for n in names))
    head2 = (
        f"{'mode':<12}{'RSS peak':>9}{'median by quarter of the run':>30}"
        f"{'PSS peak':>10}{'median by quarter':>30}{'procs':>6}"
    )
    lines += ["", "memory of the process tree, MB", head2, "-" * len(head2)]
    for r in results:
        m = r["memory"]
        rq = " ".join(f"{v:>6.0f}" for v in m.get("rss_quarter_median_mb", []))
        pq = " ".join(f"{v:>6.0f}" for v in m.get("pss_quarter_median_mb", []))
        lines.append(
            f"{_label(r):<12}{m.get('peak_mb', 0):>9.0f}{rq:>30}"
            f"{m.get('peak_pss_mb', 0):>10.0f}{pq:>30}{m.get('max_procs', 0):>6}"
        )
    for r in results:
        if r.get("error"):
            lines.append(f"{_label(r)}: exit {r['returncode']}: {r['error']}")
    return "\n".join(lines)


def _label(r: dict[str, Any]) -> str:
    return f"{r['mode']} x{r['workers']}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("images", type=Path, nargs="?", help="folder of card photos (recursive)")
    ap.add_argument("--workers", default="1,2",
                    help="comma list of process counts, each run in turn (0 = all cores)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N photos (sorted)")
    ap.add_argument("--repeat", type=int, default=1, help="cycle the photo list K times")
    ap.add_argument(
        "--min-mp", type=float, default=0.0, help="only photos of at least this many megapixels"
    )
    ap.add_argument("--modes", default=DEFAULT_MODES, help=f"comma list of {','.join(MODES)}")
    ap.add_argument("--engine", default="auto", type=_engine_name, help=engine_help())
    ap.add_argument("--json", type=Path, metavar="OUT", help="write the results as JSON")
    ap.add_argument("--child", choices=[m for m in MODES if m != "cli"], help=argparse.SUPPRESS)
    ap.add_argument("--paths-file", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    try:
        counts = [int(w) or (os.cpu_count() or 1) for w in args.workers.split(",") if w.strip()]
    except ValueError:
        ap.error(f"--workers: not a comma list of numbers: {args.workers}")
    if args.child:
        _child_run(args.child, args.paths_file, counts[0], args.engine)
        return 0
    if args.images is None:
        ap.error("IMAGES_DIR is required")
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    bad = [m for m in modes if m not in MODES]
    if bad:
        ap.error(f"unknown mode(s): {', '.join(bad)}")

    images = list_images(args.images)
    if args.min_mp > 0:
        images = [p for p, mp in zip(images, megapixels(images), strict=True) if mp >= args.min_mp]
    if args.limit > 0:
        images = images[: args.limit]
    if not images:
        ap.error(f"no images under {args.images}")
    mps = megapixels(images)
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="cardscan-throughput-") as tmpname:
        tmp = Path(tmpname)
        paths = cycle_paths(images, args.repeat, tmp)
        print(
            f"{len(images)} photos x {args.repeat} = {len(paths)}; "
            f"{sum(mps) / len(mps):.1f} MP mean, {sum(m >= 10 for m in mps)} of >= 10 MP; "
            f"{'/'.join(map(str, counts))} workers on {os.cpu_count()} cores; "
            f"engine {args.engine}",
            flush=True,
        )
        for workers in counts:
            for mode in modes:
                print(f"running {mode} x{workers} ...", file=sys.stderr, flush=True)
                results.append(run_mode(mode, paths, workers, args.engine, tmp))
    print(format_table(results))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for line in ratios(results):
        print(line)
    if args.json is not None:
        data = {
            "images": str(args.images),
            "photos": len(images),
            "repeat": args.repeat,
            "workers": counts,
            "cpu_count": os.cpu_count(),
            "engine": args.engine,
            "megapixels_mean": round(sum(mps) / len(mps), 2) if mps else None,
            "results": results,
            "load_after": list(os.getloadavg()),
        }
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0 if all(not r.get("error") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
