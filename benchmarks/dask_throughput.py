"""Cards per second of `cardscan scan --scheduler` with 1, 2, 4... Dask workers on this machine.

    python benchmarks/dask_throughput.py IMAGES_DIR [--workers 1,2,4] [--engine NAME]
        [--limit N] [--repeat K] [--send-bytes] [--json OUT]

For each worker count a LocalCluster of that many single-threaded worker processes is
started (as ``dask worker --nthreads 1`` would be), every worker reads one photo first so
its OCR engine is loaded (startup is reported apart), then the whole folder is scanned
through `cardscan.cluster.DaskReader` into a new store and JSONL, exactly as
``cardscan scan IMAGES_DIR --scheduler ADDRESS`` does, and timed.

Besides wall-clock photos/s and cards/s, the CPU seconds of the workers and of the client
(the single writer) are measured: on a loaded, shared machine wall-clock figures are not
comparable, CPU seconds are.  ``ideal/s`` is the rate N idle cores would reach at the
measured worker CPU cost (photos / (worker CPU-s / N)); ``writer ceiling/s`` the rate at
which the client's writing thread alone (hashing, store, CSV, JSONL, submitting and
collecting futures) would saturate one core.  ``client CPU-s`` is the whole client process,
which here also hosts the LocalCluster's scheduler and the Dask event loop.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cardscan.ocr.registry import check_name, engine_help  # noqa: E402
from cardscan.options import ScanOptions  # noqa: E402


def _cpu_of_worker() -> float:
    """User + system CPU seconds of this worker process (run on each worker)."""
    t = os.times()
    return t.user + t.system


def _client_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _photos(folder: Path, limit: int, repeat: int, work: Path) -> list[str]:
    from cardscan.inputs import find_inputs

    found = [f.path for f in find_inputs([folder]) if f.error is None][:limit or None]
    if repeat <= 1:
        return found
    out = []
    for k in range(repeat):  # distinct names (and paths) for the same bytes
        for p in found:
            link = work / f"r{k}_{Path(p).name}"
            link.symlink_to(os.path.abspath(p))
            out.append(str(link))
    return out


def _warm(client: Any, photo: str, options: ScanOptions) -> None:
    """One photo on every worker: each loads its engine before the clock starts."""
    from cardscan.cluster import read_on_worker

    size = os.path.getsize(photo)
    futures = [client.submit(read_on_worker, photo, options, os.path.abspath(photo), size, None,
                             workers=[w], allow_other_workers=False, pure=False)
               for w in client.scheduler_info()["workers"]]
    client.gather(futures)


def measure(photos: list[str], n: int, options: ScanOptions, send_bytes: bool,
            work: Path) -> dict[str, Any]:
    import distributed

    from cardscan.cluster import DaskReader
    from cardscan.scanjob import ScanOutputs, run_scan

    t0 = time.perf_counter()
    with distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
            distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        client.wait_for_workers(n)
        _warm(client, photos[0], options)
        startup = time.perf_counter() - t0
        load = os.getloadavg()[0]
        before = sum(client.run(_cpu_of_worker).values())
        c0, m0 = _client_cpu(), time.thread_time()
        t1 = time.perf_counter()
        out = work / f"w{n}"
        out.mkdir()
        summary = run_scan(photos, options, ScanOutputs(None, out / "r.jsonl", out / "c.db"),
                           reader=DaskReader(cluster.scheduler_address, send_bytes=send_bytes))
        wall = time.perf_counter() - t1
        if summary.interrupted:
            raise KeyboardInterrupt
        client_cpu = _client_cpu() - c0
        writer_cpu = time.thread_time() - m0  # this thread: hashing, store, JSONL, CSV
        worker_cpu = sum(client.run(_cpu_of_worker).values()) - before
    files = summary.files
    return {
        "workers": n, "photos": files, "cards": summary.cards, "failed": summary.failed,
        "wall_s": round(wall, 2), "photos_per_s": round(files / wall, 3),
        "cards_per_s": round(summary.cards / wall, 3),
        "worker_cpu_s": round(worker_cpu, 1), "client_cpu_s": round(client_cpu, 1),
        "writer_cpu_s": round(writer_cpu, 2),
        "ideal_photos_per_s": round(files / (worker_cpu / n), 3) if worker_cpu else None,
        "writer_ceiling_photos_per_s": round(files / writer_cpu, 1) if writer_cpu else None,
        "startup_s": round(startup, 1), "load_avg_1m": round(load, 1),
        "cores": os.cpu_count(),
    }


def _table(rows: list[dict[str, Any]]) -> str:
    head = (f"{'workers':>7} {'photos':>6} {'cards':>5} {'wall s':>7} {'photos/s':>8} "
            f"{'cards/s':>7} {'worker CPU-s':>12} {'client CPU-s':>12} {'writer CPU-s':>12} "
            f"{'ideal/s':>7} "
            f"{'writer ceiling/s':>16} {'load':>5}")
    lines = [head]
    for r in rows:
        lines.append(
            f"{r['workers']:>7} {r['photos']:>6} {r['cards']:>5} {r['wall_s']:>7} "
            f"{r['photos_per_s']:>8} {r['cards_per_s']:>7} {r['worker_cpu_s']:>12} "
            f"{r['client_cpu_s']:>12} {r['writer_cpu_s']:>12} {r['ideal_photos_per_s']!s:>7} "
            f"{r['writer_ceiling_photos_per_s']!s:>16} {r['load_avg_1m']:>5}")
    return "\n".join(lines)


def _engine_name(value: str) -> str:
    try:
        return check_name(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("images", type=Path, help="folder of card photos (recursive)")
    ap.add_argument("--workers", default="1,2,4", help="comma list of worker counts")
    ap.add_argument("--engine", default="auto", type=_engine_name, help=engine_help())
    ap.add_argument("--limit", type=int, default=0, help="only the first N photos (sorted)")
    ap.add_argument("--repeat", type=int, default=1, help="cycle the photo list K times")
    ap.add_argument("--send-bytes", action="store_true", help="send the photos' bytes")
    ap.add_argument("--json", type=Path, metavar="OUT", help="write the results as JSON")
    args = ap.parse_args(argv)
    options = ScanOptions(engine=args.engine)
    rows = []
    with tempfile.TemporaryDirectory(prefix="dask-bench-") as tmp:
        work = Path(tmp)
        photos = _photos(args.images, args.limit, args.repeat, work)
        if not photos:
            ap.error(f"no photos in {args.images}")
        for n in (int(x) for x in args.workers.split(",")):
            rows.append(measure(photos, n, options, args.send_bytes, work))
            print(_table(rows[-1:]).splitlines()[-1] if len(rows) > 1 else _table(rows),
                  flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
