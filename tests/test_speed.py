"""Issue 10's machinery: stage timing, the OpenVINO runtime, the worker pool, the benchmark."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLES, SAMPLES_OCR

from cardscan import stages
from cardscan.options import ScanOptions
from cardscan.pipeline import run_files

PHOTOS = ["03_photo_perspective.jpg", "04_photo_rot90.jpg", "08_photo_dark_card.jpg"]


@pytest.fixture
def timed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Stage timing on, into a fresh folder, for this process only."""
    folder = tmp_path / "stages"
    folder.mkdir()
    monkeypatch.setenv(stages.ENV, str(folder))
    stages.reset_after_fork()  # the clock reads the environment when made
    yield folder
    monkeypatch.delenv(stages.ENV)
    stages.reset_after_fork()


def test_stages_off_by_default_write_nothing(tmp_path: Path, replay_engine):
    assert not stages.enabled()
    with stages.stage("detect"):
        pass
    stages.flush()
    assert stages.totals() == {"cpu": {}, "wall": {}}


def test_nested_stages_charge_time_exclusively(timed: Path, monkeypatch: pytest.MonkeyPatch):
    now = [0.0]

    def tick(seconds: float) -> None:
        now[0] += seconds

    monkeypatch.setattr(stages.time, "process_time", lambda: now[0])
    monkeypatch.setattr(stages.time, "perf_counter", lambda: 2 * now[0])
    tick(5)  # outside every stage: charged to none
    with stages.stage("extract"):
        tick(1)
        with stages.stage("recognise"):
            tick(2)
            with stages.stage("detect"):
                tick(4)
            tick(8)
        tick(16)
    tick(32)
    t = stages.totals()
    assert t["cpu"] == {"extract": 17, "recognise": 10, "detect": 4}
    assert t["wall"] == {"extract": 34, "recognise": 20, "detect": 8}
    assert not stages._clock.stack


def test_a_scan_writes_every_pipeline_stage(timed: Path, replay_engine):
    files = [str(SAMPLES / p) for p in PHOTOS]
    answers = list(run_files(files, ScanOptions(workers=1), replay_engine))
    assert [f.source for f, _ in answers] == files
    written = list(timed.glob("stages-*.json"))
    assert len(written) == 1
    got = stages.collect(timed)
    # The replay engine has no detector of its own: its reading is "recognise".
    assert {"decode", "find", "recognise", "extract", "store"} <= set(got["cpu"])
    assert set(got["cpu"]) <= set(stages.STAGES)


def test_collect_sums_the_processes(tmp_path: Path):
    (tmp_path / "stages-1.json").write_text(json.dumps({"cpu": {"detect": 1.5}, "wall": {}}))
    (tmp_path / "stages-2.json").write_text(json.dumps({"cpu": {"detect": 0.5, "find": 1}}))
    (tmp_path / "stages-3.json").write_text("not json")
    assert stages.collect(tmp_path)["cpu"] == {"detect": 2.0, "find": 1.0}


def test_benchmark_splits_cpu_by_stage(tmp_path: Path):
    from benchmarks.throughput import stage_split

    (tmp_path / "stages-1.json").write_text(
        json.dumps({"cpu": {"detect": 4.0, "recognise": 6.0}, "wall": {}}))
    split = stage_split(tmp_path, cpu=12.0, photos=4)
    assert split["detect"] == 1.0 and split["recognise"] == 1.5
    assert split["other"] == 0.5  # the tree's CPU no stage claimed
    assert split["decode"] == 0.0
    assert stage_split(tmp_path / "nothing", 12.0, 4) == {}


def test_pool_answers_in_input_order(tmp_path: Path):
    """Workers from the fork server, reading with the replay engine by name."""
    files = [str(SAMPLES / p) for p in PHOTOS] + [str(tmp_path / "missing.jpg")]
    opts = ScanOptions(workers=2, engine=f"replay:{SAMPLES_OCR}")
    answers = list(run_files(files, opts))
    assert [f.source for f, _ in answers] == files
    assert all(r[0].status in ("ok", "review") for _, r in answers[:3])
    assert answers[3][1][0].status == "error"


# --- the OpenVINO runtime -----------------------------------------------------------


# Engines made here live as long as the test session (each costs a second to make).
_ENGINES: dict[str, object] = {}


def _rapid(monkeypatch: pytest.MonkeyPatch, runtime: str):
    pytest.importorskip("rapidocr_onnxruntime")
    from cardscan.ocr import runtime as rt
    from cardscan.ocr.rapid import RapidEngine

    monkeypatch.setenv(rt.ENV, runtime)
    if runtime not in _ENGINES:
        _ENGINES[runtime] = RapidEngine(threads=1)
    return _ENGINES[runtime]


def _in_child(code: str) -> None:
    """Run `code` in a fresh interpreter (a crash there fails the test, not the run;
    the environment switch of `runtime.chosen` is read by a fresh process)."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(root / "tests")])}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.rapidocr
def test_openvino_reads_what_onnxruntime_reads():
    pytest.importorskip("openvino")
    pytest.importorskip("rapidocr_onnxruntime")
    _in_child("""
import os
import numpy as np
from conftest import SAMPLES
from cardscan.load import load_image
from cardscan.ocr.rapid import RapidEngine
from cardscan.ocr.runtime import cache_dir
os.environ["CARDSCAN_OCR_RUNTIME"] = "openvino"
ov = RapidEngine(threads=1)
os.environ["CARDSCAN_OCR_RUNTIME"] = "onnxruntime"
ort = RapidEngine(threads=1)
assert (ov.runtime, ort.runtime) == ("openvino", "onnxruntime")
img = load_image(str(SAMPLES / "01_scan_left_aligned.png"), max_pixels=10**8, work_side=2000).rgb
a, b = ov.read(img), ort.read(img)
assert a.text == b.text and a.text.strip()
assert any(cache_dir().glob("*.blob"))
batch = np.random.default_rng(1).random((1, 3, 320, 480), dtype=np.float32)
da, db = ov._ocr.text_det.infer(batch)[0], ort._ocr.text_det.infer(batch)[0]
assert da.shape == db.shape and np.abs(da - db).max() < 1e-3
# Only the detector runs on OpenVINO (runtime.OPENVINO_STAGES): the others gained nothing.
assert type(ov._ocr.text_det.infer).__name__ == "OpenVinoSession"
assert type(ov._ocr.text_rec.session) is type(ort._ocr.text_rec.session)
""")


def test_runtime_choice_follows_the_environment(monkeypatch: pytest.MonkeyPatch):
    from cardscan.ocr import runtime as rt

    real = importlib.util.find_spec
    installed = importlib.util.find_spec("openvino") is not None
    monkeypatch.delenv(rt.ENV, raising=False)
    assert rt.chosen() == (rt.OPENVINO if installed else rt.ONNXRUNTIME)  # the default
    monkeypatch.setenv(rt.ENV, " OnnxRuntime ")
    assert rt.chosen() == rt.ONNXRUNTIME
    monkeypatch.setenv(rt.ENV, "openvino")
    assert rt.chosen() == (rt.OPENVINO if installed else rt.ONNXRUNTIME)
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "openvino" else real(name, *a))
    assert rt.chosen() == rt.ONNXRUNTIME  # not installed: rapidocr's own runtime


@pytest.mark.rapidocr
def test_detector_preprocessing_in_float32_matches_rapidocr(monkeypatch: pytest.MonkeyPatch):
    from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

    eng = _rapid(monkeypatch, "onnxruntime")
    img = np.random.default_rng(2).integers(0, 256, (300, 500, 3), dtype=np.uint8)
    ours = eng._ocr.text_det.get_preprocess(500)(img)
    theirs = DetPreProcess(960, "max", [0.5, 0.5, 0.5], [0.5, 0.5, 0.5])(img)
    assert ours.dtype == np.float32 and ours.shape == theirs.shape
    assert np.abs(ours - theirs).max() < 1e-5


@pytest.mark.rapidocr
def test_pool_workers_start_clean_after_openvino_in_the_parent():
    """A scan after this process loaded OpenVINO: forked workers used to die in
    OpenVINO's thread pool ("No such process")."""
    pytest.importorskip("openvino")
    pytest.importorskip("rapidocr_onnxruntime")
    _in_child("""
import os
os.environ["CARDSCAN_OCR_RUNTIME"] = "openvino"
from conftest import SAMPLES
from cardscan.ocr.rapid import RapidEngine
from cardscan.options import ScanOptions
from cardscan.pipeline import run_files
assert RapidEngine(threads=1).runtime == "openvino"
files = [str(SAMPLES / "01_scan_left_aligned.png"), str(SAMPLES / "02_scan_centered_serif.jpg")]
answers = list(run_files(files, ScanOptions(workers=2, engine="rapidocr")))
assert [f.source for f, _ in answers] == files
assert all(r.status in ("ok", "review") for _, recs in answers for r in recs)
""")


@pytest.mark.rapidocr
def test_a_time_limit_after_a_freed_openvino_engine_is_an_error_record():
    """OpenVINO engines made and freed, then a file over its time limit: the alarm
    is an error record, not a crash.  Each CPU plugin instance (one per Core) maps
    its own alternate signal stack and puts the previous one back when freed; with
    a Core per model, freeing them out of order left the main thread on an unmapped
    stack and the SIGALRM killed the process (SIGSEGV).  runtime._core: one Core."""
    pytest.importorskip("openvino")
    pytest.importorskip("rapidocr_onnxruntime")
    _in_child("""
import gc, os, time
os.environ["CARDSCAN_OCR_RUNTIME"] = "openvino"
from conftest import SAMPLES
from cardscan.ocr.rapid import RapidEngine
from cardscan.options import ScanOptions
from cardscan.pipeline import run
card = str(SAMPLES / "01_scan_left_aligned.png")
for _ in range(2):
    eng = RapidEngine(threads=1)
    assert eng.runtime == "openvino"
    del eng
    gc.collect()

class Slow:
    name = "slow"
    def read(self, rgb):
        time.sleep(5)

for _ in range(3):
    recs = list(run([card], ScanOptions(workers=1, time_limit=0.3), Slow()))
    assert [r.error for r in recs] == [f"{card}: time limit exceeded (0.3 s per file)"], recs
""")


def _names_loaded() -> bool:
    """In a pool worker: whether it holds extraction's person names already."""
    from cardscan.extract import names

    return names.name_sets.cache_info().currsize == 1


def test_pool_workers_start_with_extraction_data_loaded():
    """The fork server loads the data sets every card needs once (cardscan.warm);
    a worker it forks has them before its first card instead of loading its own."""
    from cardscan.workers import pool_context

    with pool_context().Pool(1) as pool:
        assert pool.apply(_names_loaded)


@pytest.mark.rapidocr
def test_an_engine_with_several_threads_lets_them_sleep(monkeypatch: pytest.MonkeyPatch):
    """An in-process scan's engine (threads=0: one per core) has ONNX Runtime threads
    that sleep when idle instead of spinning (runtime.NO_SPINNING), and reads what a
    one-thread engine reads."""
    from cardscan.load import load_image
    from cardscan.ocr import runtime as rt
    from cardscan.ocr.rapid import RapidEngine

    one = _rapid(monkeypatch, "onnxruntime")
    many = RapidEngine(threads=0)
    key, value = rt.NO_SPINNING
    sessions = (many._ocr.text_det.infer, many._ocr.text_cls.infer, many._ocr.text_rec.session)
    assert [s.session.get_session_options().get_session_config_entry(key)
            for s in sessions] == [value] * 3
    img = load_image(str(SAMPLES / "02_scan_centered_serif.jpg"), max_pixels=10**8,
                     work_side=2000).rgb
    assert many.read(img).text == one.read(img).text != ""
