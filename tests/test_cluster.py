"""`cardscan scan --scheduler`: the same scan on a Dask cluster (cardscan.cluster).

One in-process LocalCluster (threads, no processes) serves most tests; the worker-kill
test starts a LocalCluster of processes.  The replay engine is named in the options, so
every worker loads it from the recorded file (the engine is reachable on workers).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest
from conftest import ROOT, SAMPLES, SAMPLES_OCR

distributed = pytest.importorskip("distributed")

from cardscan import cluster  # noqa: E402
from cardscan.cluster import DaskReader  # noqa: E402
from cardscan.errors import CardscanError, ClusterError, ExitCode  # noqa: E402
from cardscan.options import ScanOptions  # noqa: E402
from cardscan.scanjob import ScanOutputs, run_scan  # noqa: E402

REPLAY = f"replay:{SAMPLES_OCR}"
OPTIONS = ScanOptions(engine=REPLAY, workers=1)
NOON = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)
FEW = ("01_scan_left_aligned.png", "03_photo_perspective.jpg", "12_photo_two_cards.jpg",
       "16_crop_app.jpg", "17_negative_desk.jpg")


@pytest.fixture(scope="module")
def threads_cluster():
    """Two single-threaded workers in this process (fast to start)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as c:
        yield c


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    """The samples, a file that is not an image and an empty one: every kind of answer."""
    d = tmp_path_factory.mktemp("photos")
    for p in sorted(SAMPLES.glob("*.*")):
        if p.suffix in (".jpg", ".png"):
            shutil.copy(p, d / p.name)
    (d / "30_not_an_image.jpg").write_bytes(b"this is text, not a photo")
    (d / "31_empty.png").write_bytes(b"")
    return d


def _scan(photos, out, reader=None, **kw):
    out.mkdir(exist_ok=True)
    outs = ScanOutputs(out / "leads.csv", out / "r.jsonl", out / "c.db")
    summary = run_scan([photos], OPTIONS, outs, reader=reader, clock=lambda: NOON,
                       met_on=dt.date(2026, 11, 24), **kw)
    return summary, _leads(out)


def _leads(out):
    """The CSV rows and JSONL records, lead ids replaced by their order of appearance
    (ids are random; which rows share a lead is what counts)."""
    with open(out / "leads.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    recs = [json.loads(ln) for ln in (out / "r.jsonl").read_text().splitlines()]
    names: dict[str, str] = {}
    for r in (*rows, *recs):
        for k in ("lead_id", "possible_duplicate_of"):
            if r.get(k):
                r[k] = names.setdefault(r[k], f"lead{len(names)}")
    return rows, recs


@pytest.fixture(scope="module")
def local_run(photos, tmp_path_factory):
    """The plain local scan every cluster run must equal."""
    return _scan(photos, tmp_path_factory.mktemp("local"))


@pytest.fixture(scope="module")
def few(tmp_path_factory):
    """A few photos (two cards in one, no card in another) and a file that is no image."""
    d = tmp_path_factory.mktemp("few")
    for name in FEW:
        shutil.copy(SAMPLES / name, d / name)
    (d / "30_not_an_image.jpg").write_bytes(b"this is text, not a photo")
    return d


@pytest.fixture(scope="module")
def local_few(few, tmp_path_factory):
    return _scan(few, tmp_path_factory.mktemp("local_few"))


def test_a_cluster_run_gives_exactly_the_local_run(threads_cluster, photos, local_run,
                                                   tmp_path):
    summary, leads = _scan(photos, tmp_path, DaskReader(threads_cluster.scheduler_address))
    want_summary, want = local_run
    assert leads == want
    assert summary == want_summary.__class__(**{
        **want_summary.__dict__, "outputs": summary.outputs})
    assert summary.cards > 20 and summary.failed == 2  # the text file and the empty one
    assert any("not an image" in e for e in summary.errors)


def test_bytes_sent_when_workers_cannot_see_the_photos(threads_cluster, photos, local_run,
                                                       tmp_path, monkeypatch):
    seen = []

    def nowhere(where, size):
        seen.append(where)
        return None  # as on a machine without the shared folder

    monkeypatch.setattr(cluster, "_visible", nowhere)
    _, leads = _scan(photos, tmp_path, DaskReader(threads_cluster.scheduler_address))
    assert leads == local_run[1]
    assert 1 <= len(seen) < len(list(photos.iterdir()))  # one miss, then bytes for all



def test_send_bytes_sends_every_photo(threads_cluster, few, local_few, tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "_visible", lambda where, size: pytest.fail("looked"))
    _, leads = _scan(few, tmp_path, DaskReader(threads_cluster.scheduler_address,
                                               send_bytes=True))
    assert leads == local_few[1]


def test_a_rerun_reuses_stored_readings_without_a_cluster(threads_cluster, tmp_path):
    photos = tmp_path / "in"  # photos that all read (a failed reading is read again)
    photos.mkdir()
    for name in ("03_photo_perspective.jpg", "12_photo_two_cards.jpg", "17_negative_desk.jpg"):
        shutil.copy(SAMPLES / name, photos / name)
    first, leads = _scan(photos, tmp_path, DaskReader(threads_cluster.scheduler_address))
    # Nothing listens there: a rerun that needed a worker would end in ClusterError.
    again, leads_again = _scan(photos, tmp_path, DaskReader("tcp://127.0.0.1:9", timeout="1s"))
    assert again.reused == first.files == 3 and again.cards == first.cards
    assert leads_again[0] == leads[0]  # the CSV lists the whole batch again
    assert leads_again[1] == leads[1]  # the JSONL got nothing twice


def test_at_most_window_photos_are_in_flight_or_waiting(threads_cluster, few, local_few,
                                                       tmp_path, monkeypatch):
    held = []
    submit = cluster._Run.submit

    def counting(run, i):
        submit(run, i)
        held.append(len(run.pending) + len(run.ready))

    monkeypatch.setattr(cluster._Run, "submit", counting)
    _, leads = _scan(few, tmp_path, DaskReader(threads_cluster.scheduler_address, window=2))
    assert leads == local_few[1]
    assert len(held) == len(FEW) + 1 and max(held) <= 2


def test_ctrl_c_cancels_the_futures_and_keeps_what_was_read(threads_cluster, few, tmp_path):
    def stop(res):
        if res.done == 2:
            raise KeyboardInterrupt

    summary, (rows, recs) = _scan(few, tmp_path, DaskReader(threads_cluster.scheduler_address),
                                  progress=stop)
    assert summary.interrupted and summary.files_done == 2 and summary.csv_written
    assert len({r["source"] for r in recs}) == 2
    assert {r["source"] for r in rows} == {r["source"] for r in recs}  # the CSV: what was read
    with distributed.Client(threads_cluster.scheduler_address, set_as_default=False) as c:
        left = c.run_on_scheduler(lambda dask_scheduler: [
            k for k in dask_scheduler.tasks if str(k).startswith("cardscan-read")])
    assert left == []  # cancelled, not left running for nobody


def test_an_unreachable_scheduler_is_one_error_with_its_exit_code(few, tmp_path):
    with pytest.raises(ClusterError) as e:
        _scan(few, tmp_path, DaskReader("tcp://127.0.0.1:9", timeout="1s"))
    assert e.value.exit_code == ExitCode.cluster_error
    assert str(e.value).startswith("cannot reach the Dask scheduler at tcp://127.0.0.1:9 (")


def test_workers_of_another_cardscan_version_are_refused(threads_cluster, few, tmp_path,
                                                        monkeypatch):
    monkeypatch.setattr(cluster, "worker_version", lambda: "0.0.1")  # threads: same module
    with pytest.raises(ClusterError, match=r"must run cardscan .*: found 0\.0\.1 on "):
        _scan(few, tmp_path, DaskReader(threads_cluster.scheduler_address))
    assert not (tmp_path / "r.jsonl").exists() or (tmp_path / "r.jsonl").read_text() == ""


def test_an_engine_object_cannot_go_to_the_workers(few, tmp_path, replay_engine):
    with pytest.raises(CardscanError, match="engine named in the options"):
        _scan(few, tmp_path, DaskReader("local"), engine=replay_engine)


def test_a_lost_scheduler_ends_the_run_and_keeps_what_was_read(threads_cluster, few,
                                                               local_few, tmp_path):
    c = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                 dashboard_address=":0")
    try:
        def lose(res):
            if res.done == 2:
                c.close()  # its scheduler and workers: gone for the client

        with pytest.raises(ClusterError, match="lost the Dask scheduler"):
            _scan(few, tmp_path, DaskReader(c.scheduler_address, timeout="1s", window=2),
                  progress=lose)
    finally:
        c.close()
    recs = [json.loads(ln) for ln in (tmp_path / "r.jsonl").read_text().splitlines()]
    read = len({r["source"] for r in recs})
    assert 2 <= read < len(FEW)  # stored and written before the loss; not the rest
    again, leads = _scan(few, tmp_path, DaskReader(threads_cluster.scheduler_address))
    assert again.reused >= read and leads == local_few[1]  # the rerun reads only the rest


def test_a_worker_killed_mid_run_still_gives_every_lead_once(photos, local_run, tmp_path):
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as c, \
            distributed.Client(c.scheduler_address, set_as_default=False) as client:
        killed = []

        def kill(res):
            if res.done == 2:
                pids = client.run(os.getpid)
                pid = sorted(pids.values())[0]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

        summary, leads = _scan(photos, tmp_path, DaskReader(c.scheduler_address), progress=kill)
    assert killed and summary.failed == local_run[0].failed
    assert leads == local_run[1]


def test_without_scheduler_dask_is_never_imported(tmp_path):
    code = (
        "import sys\n"
        "from cardscan.cli import main\n"
        f"rc = main(['scan', {str(SAMPLES / '16_crop_app.jpg')!r}, '--engine', {REPLAY!r},\n"
        f"           '--workers', '1', '--no-db', '--csv', {str(tmp_path / 'l.csv')!r}])\n"
        "assert rc == 0, rc\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=120, check=True)
    assert out.stdout.strip() == "[]"
    assert (tmp_path / "l.csv").exists()


class _Endless:
    """An engine that never finishes a card (Python code, as a pathological regex or
    loop in the extraction would be)."""

    name = "endless"

    def read(self, rgb):
        while True:
            pass


def _in_a_thread(fn):
    got = []
    t = threading.Thread(target=lambda: got.append(fn()))
    t.start()
    t.join(60)
    assert not t.is_alive()
    return got[0]


def test_the_time_limit_holds_in_a_worker_thread(monkeypatch):
    monkeypatch.setattr(cluster, "_engine", lambda options: (_Endless(), ""))
    photo = SAMPLES / "16_crop_app.jpg"
    options = ScanOptions(time_limit=0.3)
    [rec] = _in_a_thread(lambda: cluster.read_on_worker(
        str(photo), options, str(photo), photo.stat().st_size, None))
    assert (rec.status, rec.error) == (
        "error", f"{photo}: time limit exceeded (0.3 s per file)")


def test_a_time_limit_not_reached_never_fires_later():
    def quick():
        with cluster.thread_time_limit(0.05):
            pass
        deadline = time.monotonic() + 0.5
        n = 0
        while time.monotonic() < deadline:  # Python code: where a late limit would land
            n += 1
        return n

    assert _in_a_thread(quick) > 0


class _Threads:
    def __init__(self, *per_worker):
        self.per_worker = per_worker

    def nthreads(self):
        return {f"tcp://w{i}": n for i, n in enumerate(self.per_worker)}


def test_the_window_follows_the_threads_within_bounds():
    assert cluster.window_for(_Threads()) == cluster.MIN_WINDOW  # no worker yet
    assert cluster.window_for(_Threads(1, 3)) == 8
    assert cluster.window_for(_Threads(*[8] * 100)) == cluster.MAX_WINDOW
