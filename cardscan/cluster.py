"""`cardscan scan --scheduler`: the per-photo reading on a Dask cluster.

The client (this process) finds the inputs, looks stored readings up, and alone
writes the store, the CSV and the JSONL, exactly as a local run (`scanjob.run_scan`).
Only the reading of a photo (load, find cards, OCR, extract: `pipeline.read_input`)
runs on the workers, one task per photo, through `read_on_worker`, a module-level
function every worker imports from its own cardscan install.  Workers keep no state
but one OCR engine per worker thread, made on its first photo.

Where the bytes come from: a worker reads the photo itself when it sees the same
file at the client's absolute path (a shared folder: same size); otherwise the
task answers "not here" and the client sends the bytes, for that photo and every
later one (``send_bytes=True`` sends them from the start).

Results come back as they finish (`distributed.as_completed`) and are handed on in
input order; at most `window` photos are in flight or waiting for an earlier one
(`window_for`: two per worker thread, looked at again as workers come and go), so
memory stays bounded however large the batch.

Faults: a photo that fails becomes its `error` record on the worker
(`pipeline.read_input`; the per-file time limit holds there too: `thread_time_limit`);
workers of another cardscan version are refused (`check_workers`); a worker that
dies mid-task has its tasks rerun by the scheduler elsewhere, and a photo that kills
workers again and again (`KilledWorker`) becomes an `error` record; a lost
scheduler raises `ClusterError` (what was answered before is stored).  Closing the
reader (Ctrl-C) cancels every future still running.  Dask is imported only here,
and only when a reader runs.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import threading
import time
import uuid
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

from .errors import CardscanError, ClusterError, MissingDependencyError
from .inputs import InputFile, display_path
from .model import CardRecord
from .options import ScanOptions

if TYPE_CHECKING:
    from .ocr import OcrEngine

log = logging.getLogger(__name__)

LOCAL = "local"  # --scheduler local: a LocalCluster of --workers processes here
CONNECT_TIMEOUT = "10s"  # an address nobody answers on (or no more) fails after this
TASK_RETRIES = 2  # a task that raises (not a photo that fails: that is a record) reruns
WINDOW_PER_THREAD = 2  # photos in flight or waiting, per worker thread of the cluster
MIN_WINDOW = 4
MAX_WINDOW = 512  # however large the cluster: bounds the client's memory
RESIZE_EVERY = 5.0  # seconds between two looks at the cluster's size
_NOT_HERE = None  # what a worker answers when it cannot see the photo

Read = list[CardRecord] | None


# --- worker side -----------------------------------------------------------------

_local = threading.local()


def _engine(options: ScanOptions) -> tuple[OcrEngine | None, str]:
    """This worker thread's engine for these options (made once), or why it cannot load."""
    from .pipeline import load_engine

    cache: dict[tuple[Any, ...], tuple[OcrEngine | None, str]] = _local.__dict__.setdefault(
        "engines", {})
    key = (options.engine, options.lang, options.second_reading, options.scripts)
    if key not in cache:
        import cv2

        cv2.setNumThreads(1)  # one task per worker thread already; threads only contend
        try:
            cache[key] = (load_engine(options, threads=1), "")
        except Exception as e:  # MissingDependencyError: every photo says why
            cache[key] = (None, str(e))
    return cache[key]


def _visible(where: str, size: int) -> bytes | None:
    """The bytes at `where` when this worker sees the client's file there (same size)."""
    try:
        with open(where, "rb") as fh:
            data = fh.read(size + 1)
    except (OSError, ValueError):
        return None
    return data if len(data) == size else None


def read_on_worker(path: str, options: ScanOptions, where: str, size: int,
                   data: bytes | None) -> Read:
    """The records of one photo, read on a Dask worker: `path` names it (as the
    client knows it), `where` is its absolute path, `data` its bytes when the
    client sent them.  None: this worker cannot see it and no bytes came."""
    if data is None:
        data = _visible(where, size)
        if data is None:
            return _NOT_HERE
    engine, failure = _engine(options)
    item = InputFile(path, None, len(data))
    if engine is None:
        return [CardRecord(item.source, status="error", error=f"{item.source}: {failure}")]
    from .pipeline import TimeLimitExceeded, over_time, read_input

    try:
        with thread_time_limit(options.time_limit):
            return read_input(item, options, engine, data)
    except TimeLimitExceeded:
        return [over_time(item.source, options.time_limit)]


@contextlib.contextmanager
def thread_time_limit(seconds: float) -> Iterator[None]:
    """`pipeline.TimeLimitExceeded` in this thread after `seconds` (0 = none).  A Dask
    task runs in a worker thread, where the pipeline's SIGALRM cannot reach; the
    exception is raised asynchronously instead, at the same points a signal handler
    would run (between Python bytecodes), so the limit is the local run's."""
    if seconds <= 0:
        yield
        return
    import ctypes

    from .pipeline import TimeLimitExceeded

    target = threading.get_ident()
    lock = threading.Lock()
    active = [True]

    def fire() -> None:
        with lock:
            if active[0]:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(target), ctypes.py_object(TimeLimitExceeded))

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:  # a limit that fired is raised here at the latest, inside the block
            active[0] = False
        timer.cancel()


# --- client side -----------------------------------------------------------------


def _client_bytes(f: InputFile) -> bytes | list[CardRecord]:
    try:
        with open(f.path, "rb") as fh:
            return fh.read()
    except OSError as e:
        return [CardRecord(f.source, status="error",
                           error=display_path(f"{f.source}: cannot read ({e.strerror or e})"))]


@contextlib.contextmanager
def connect(scheduler: str, workers: int = 0, timeout: str = CONNECT_TIMEOUT,
            quiet: bool = False) -> Iterator[Any]:
    """A Dask client of the scheduler at `scheduler`, or of a LocalCluster of
    `workers` single-threaded processes (0 = one per core) for ``local``.  `timeout`:
    how long to try to reach it (and to reach it again when the connection drops);
    `quiet`: Dask's own logs (which its import sets to INFO) only when critical."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise MissingDependencyError(
            "--scheduler needs Dask: pip install 'cardscan[dask]'") from None
    if quiet:  # its config gives some loggers levels of their own (distributed.client)
        for name in ["distributed", *logging.root.manager.loggerDict]:
            if name.split(".")[0] == "distributed":
                logging.getLogger(name).setLevel(logging.CRITICAL)
    with contextlib.ExitStack() as stack:
        if scheduler == LOCAL:
            cluster = stack.enter_context(LocalCluster(
                n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                processes=True, dashboard_address=":0", silence_logs=logging.ERROR))
            address = cluster.scheduler_address
        else:
            address = scheduler
        try:
            client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as e:
            reason = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise ClusterError(f"cannot reach the Dask scheduler at {scheduler} ({reason})"
                               ) from None
        stack.callback(_close, client)
        yield client


def _close(client: Any) -> None:
    with contextlib.suppress(Exception):  # a lost scheduler: nothing left to close
        client.close(timeout=5)


def worker_version() -> str:
    """The cardscan version a worker runs (`check_workers`)."""
    from . import __version__

    return __version__


def check_workers(client: Any) -> None:
    """ClusterError unless every worker connected now runs this cardscan version: a
    reading is stored under the client's version (`scanjob.read_key`), so another
    version's would be reused as this one's."""
    from . import __version__

    try:
        versions: dict[str, str] = client.run(worker_version)
    except Exception as e:  # cardscan missing on a worker: it cannot unpickle the call
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise ClusterError(f"the Dask workers cannot run cardscan ({type(e).__name__}: "
                           f"{reason}); install it there: pip install 'cardscan[dask]'"
                           ) from None
    other = sorted({f"{v} on {w}" for w, v in versions.items() if v != __version__})
    if other:
        raise ClusterError(f"the Dask workers must run cardscan {__version__}, as here: "
                           f"found {', '.join(other[:3])}")


def window_for(client: Any) -> int:
    """Photos in flight or waiting for an earlier one: enough to keep every worker
    thread busy while the client writes, bounded whatever the cluster's size."""
    threads = sum(client.nthreads().values()) or 1
    return max(MIN_WINDOW, min(MAX_WINDOW, WINDOW_PER_THREAD * threads))


class DaskReader:
    """A `scanjob.Reader` running the reading on a Dask cluster (see the module doc).

    `scheduler`: ``tcp://host:8786`` of a running ``dask scheduler``, or ``local``
    (a LocalCluster of `ScanOptions.workers` processes on this machine).
    """

    def __init__(self, scheduler: str, *, send_bytes: bool = False, window: int = 0,
                 retries: int = TASK_RETRIES, timeout: str = CONNECT_TIMEOUT,
                 quiet: bool = False) -> None:
        self.scheduler = scheduler
        self.quiet = quiet
        self.timeout = timeout
        self.send_bytes = send_bytes
        self.window = window
        self.retries = retries

    def __call__(self, files: list[InputFile], options: ScanOptions,
                 engine: OcrEngine | None = None
                 ) -> Generator[tuple[InputFile, list[CardRecord]], None, None]:
        from .pipeline import refused

        if engine is not None:
            raise CardscanError("a Dask cluster reads with the engine named in the options "
                                "(--engine), not with an engine object of this process")
        if all(f.error for f in files):  # nothing to read: no cluster needed
            for f in files:
                yield f, refused(f)
            return
        with connect(self.scheduler, options.workers, self.timeout, self.quiet) as client:
            check_workers(client)
            run = _Run(client, files, options, self)
            try:
                yield from run.answers()
            finally:
                run.cancel()


class _Run:
    """One reader call: futures in flight, answers waiting for their turn."""

    def __init__(self, client: Any, files: list[InputFile], options: ScanOptions,
                 reader: DaskReader) -> None:
        from distributed import as_completed

        self.client = client
        self.files = files
        self.options = options
        self.retries = reader.retries
        self.send_bytes = reader.send_bytes
        self.window = reader.window or window_for(client)
        self.sized_at = time.monotonic() if not reader.window else math.inf
        self.tag = uuid.uuid4().hex[:8]
        self.pending: dict[Any, int] = {}  # future -> input index
        self.ready: dict[int, list[CardRecord]] = {}
        self.finished = as_completed(loop=client.loop)

    def submit(self, i: int) -> None:
        f = self.files[i]
        data: bytes | None = None
        if self.send_bytes:
            got = _client_bytes(f)
            if isinstance(got, list):
                self.ready[i] = got
                return
            data = got
        future = self.client.submit(
            read_on_worker, f.path, self.options, os.path.abspath(f.path), f.size, data,
            key=f"cardscan-read-{self.tag}-{i}-{int(data is not None)}", pure=False,
            retries=self.retries)
        self.pending[future] = i
        self.finished.add(future)

    def resize(self) -> None:
        """Workers join and leave: the window follows the cluster's threads."""
        if time.monotonic() - self.sized_at > RESIZE_EVERY:
            self.window = window_for(self.client)
            self.sized_at = time.monotonic()

    def answers(self) -> Generator[tuple[InputFile, list[CardRecord]], None, None]:
        from .pipeline import refused

        submitted = 0
        for out, f in enumerate(self.files):
            self.resize()
            while submitted < len(self.files) and submitted - out < self.window:
                if self.files[submitted].error is None:
                    self.submit(submitted)
                submitted += 1
            if f.error:
                yield f, refused(f)
                continue
            while out not in self.ready:
                self.collect(next(self.finished))
            yield f, self.ready.pop(out)

    def collect(self, future: Any) -> None:
        i = self.pending.pop(future)
        got = self.result(future, self.files[i])
        if got is _NOT_HERE:
            if not self.send_bytes:
                log.info("a worker cannot see %s: sending the photos' bytes from now on",
                         self.files[i].source)
            self.send_bytes = True
            self.submit(i)
        else:
            self.ready[i] = got

    def result(self, future: Any, f: InputFile) -> Read:
        from distributed import KilledWorker

        try:
            return future.result()
        except KilledWorker:
            return [CardRecord(f.source, status="error", error=display_path(
                f"{f.source}: Dask workers died reading it, again and again; not read"))]
        except Exception as e:
            if self.lost(future):
                raise ClusterError(
                    f"lost the Dask scheduler at {self.client.scheduler.address} "
                    "mid-run; the photos answered before are stored, a rerun reads the rest"
                ) from None
            reason = str(e).splitlines()[0] if str(e) else ""
            return [CardRecord(f.source, status="error", error=display_path(
                f"{f.source}: internal error on a Dask worker ({type(e).__name__}: {reason})"))]

    def lost(self, future: Any) -> bool:
        return future.status in ("cancelled", "lost") or self.client.status != "running"

    def cancel(self) -> None:
        """Cancel what is still in flight (Ctrl-C, an error, or nothing: all done)."""
        futures = list(self.pending)
        self.pending.clear()
        if futures and self.client.status == "running":
            with contextlib.suppress(Exception):
                self.client.cancel(futures)


__all__ = ["LOCAL", "DaskReader", "check_workers", "connect", "read_on_worker", "window_for",
           "worker_version"]
