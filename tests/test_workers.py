"""The worker pool's fork server, started early by the command line (cardscan.workers)."""

from __future__ import annotations

import os

import pytest

from cardscan import workers


@pytest.mark.parametrize(("argv", "cores", "wanted"), [
    (["scan", "a.jpg"], 2, True),
    (["scan", "a.jpg"], 1, False),  # one core: the scan reads in this process
    (["scan", "a.jpg", "--workers", "1"], 4, False),
    (["scan", "a.jpg", "--workers=1"], 4, False),
    (["scan", "a.jpg", "--workers", "3"], 1, True),
    (["scan", "a.jpg", "--workers", "0"], 4, True),  # 0: one per core
    (["scan", "a.jpg", "--workers", "many"], 4, False),  # the parser says why
    (["scan", "a.jpg", "--scheduler", "tcp://h:8786"], 4, False),  # a Dask cluster reads
    (["scan", "--help"], 4, False),
    (["parse", "a.txt"], 4, False),
    ([], 4, False),
])
def test_only_a_scan_with_a_local_pool_starts_the_fork_server_early(
        monkeypatch, argv, cores, wanted) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert workers.scan_wants_pool(argv) is wanted


def test_start_early_leaves_a_running_fork_server_the_pool_then_uses() -> None:
    from multiprocessing import forkserver

    if "forkserver" not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip("no fork server on this platform")
    workers.start_early()
    server = forkserver._forkserver  # the module's one server
    assert server._forkserver_pid is not None
    pid = server._forkserver_pid
    with workers.pool_context().Pool(1) as pool:
        assert pool.apply(os.getppid) == pid  # the worker was forked by that server
