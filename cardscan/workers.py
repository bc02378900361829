"""Where the scan's worker processes come from: a fork server, started early.

The pool's workers are forked from a fork server: a fresh process that imports
the pipeline and loads extraction's everyday data once (`cardscan.warm`), so
each worker starts with them in memory.  Not plain fork: an engine this process
loaded (an earlier scan, the web workspace, tests) may run OpenVINO, whose thread
pool does not survive a fork ("std::system_error: No such process" in the child).

Starting that server takes about 0.8 s (interpreter, imports, data).  `start_early`
starts it at once, so it gets ready while this process does its own start-up
(the command line's imports, hashing the inputs, looking them up in the store):
on the 24 phone photos of benchmarks/throughput.py that brought the first photo
0.45 s sooner.  This module imports nothing heavy, so the command line can call it
before anything else.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
from collections.abc import Sequence
from typing import Any

from .options import ScanOptions

log = logging.getLogger(__name__)

# Imported once by the fork server, so each worker it forks starts with them loaded:
# cardscan.warm, the data sets every card's extraction needs (0.47 CPU-s a worker);
# "__main__", the program's main module, which each worker would otherwise run again
# (`cardscan`: the command line's modules).  Not the OCR runtimes: importing
# onnxruntime or openvino starts a thread, which a fork would not carry over (a
# worker that imports them itself saves nothing in time either: measured, the
# server gets ready later by what the workers save).
PRELOAD = ["__main__", "cardscan.pipeline", "cardscan.extract", "cardscan.ocr.rapid", "cv2",
           "cardscan.warm"]


def pool_context() -> Any:
    """The multiprocessing context of the scan's worker pool (see the module doc);
    spawn where there is no fork server (not on Linux)."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return mp.get_context("spawn")


def start_early() -> None:
    """Start the fork server now, if it is not running (best effort: a failure here
    only leaves the starting to the pool)."""
    if "forkserver" not in mp.get_all_start_methods():
        return
    try:
        from multiprocessing import forkserver

        pool_context()
        forkserver.ensure_running()
    except Exception as e:  # the pool starts it itself, or says why it cannot
        log.debug("fork server not started early: %s: %s", type(e).__name__, e)


def scan_wants_pool(argv: Sequence[str]) -> bool:
    """Will `cardscan ARGV` read photos with a local worker pool?  A guess from the
    words alone, before the parser is built (it only decides whether to start the
    fork server early): `scan` without `--workers 1`, a Dask scheduler or a request
    for help, on a machine with more than one core."""
    args = list(argv)
    if not args or args[0] != "scan" or any(
            a.startswith("--scheduler") or a in ("-h", "--help", "--version") for a in args):
        return False
    workers = None
    for i, a in enumerate(args):
        if a == "--workers" and i + 1 < len(args):
            workers = args[i + 1]
        elif a.startswith("--workers="):
            workers = a.partition("=")[2]
    try:
        n = int(workers) if workers is not None else 0
    except ValueError:
        return False  # the parser will say what is wrong with it
    return ScanOptions(workers=n).resolved_workers() > 1
