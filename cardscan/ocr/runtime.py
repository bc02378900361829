"""Which runtime runs the packaged PP-OCR text detector: OpenVINO when installed.

The rapidocr wheel runs its ONNX files with ONNX Runtime.  On this project's CPUs
OpenVINO runs the text detector faster with the same outputs (on the 24 phone
photos of the speed benchmark 0.36 -> 0.21 CPU-s a photo, one thread; largest
difference between the two outputs 4e-6; the same text on all 87 dev images; see
docs/notes/speed10.md and speed10b.md).  So when the `openvino` package is
installed (the `rapidocr` extra brings it) the detector is compiled by it from
the very same ONNX file; nothing is converted on disk and nothing is downloaded.
rapidocr's own pre- and post-processing stay, and its angle classifier and
recogniser stay on ONNX Runtime (OpenVINO gained nothing there: OPENVINO_STAGES).
PP-OCRv5's recogniser for Japanese and Chinese lines (scripts.py) runs on
OpenVINO too (0.047 against 0.056 CPU-s a line, docs/notes/speed10.md).

CARDSCAN_OCR_RUNTIME=onnxruntime keeps everything on ONNX Runtime (see `chosen`).

OpenVINO's model cache keeps the compiled form in the user's cache folder
(`platformdirs.user_cache_dir("cardscan")/openvino`, or $CARDSCAN_CACHE_DIR/openvino),
made on first use from the file in the wheel, so later processes load it instead
of compiling.  A cache that cannot be written only costs that time.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

ENV = "CARDSCAN_OCR_RUNTIME"
# Input shapes whose prepared kernels OpenVINO keeps.  Every text line has its own
# width, and its default (5000) let a worker grow from 0.3 to 1.8 GB over a batch;
# 50 keeps it flat at the same speed (measured on 400 line widths: 0.29 GB, and
# 30.9 against 28.9 CPU-s, within the noise of a loaded machine).
SHAPE_CACHE = 50
OPENVINO, ONNXRUNTIME = "openvino", "onnxruntime"


def chosen() -> str:
    """The runtime to use: OpenVINO when it is installed, unless the environment
    asks for ONNX Runtime (CARDSCAN_OCR_RUNTIME=onnxruntime).  (It was opt-in while
    a process that had freed OpenVINO engines could crash on a later SIGALRM; the
    cause and its fix are in `_core`.)"""
    if os.environ.get(ENV, "").strip().lower() == ONNXRUNTIME:
        return ONNXRUNTIME
    import importlib.util

    return OPENVINO if importlib.util.find_spec("openvino") is not None else ONNXRUNTIME


def cache_dir() -> Path:
    """Where compiled models are kept (see the module doc)."""
    from ..cache import cache_root

    return cache_root() / "openvino"


@functools.cache
def _core() -> Any:
    """The process's one OpenVINO Core, kept until the process ends.

    Each Core loads its own instance of OpenVINO's CPU plugin, and each instance
    maps a fresh alternate signal stack for the thread that made it
    (``sigaltstack``: room for AMX register state in signal frames), remembering
    the previous one, and on destruction unmaps its own and puts the remembered
    one back.  Cores freed in any order but the reverse of their making (one
    Core per model did that) leave the thread on an unmapped signal stack: the
    next signal handled there (Python's SIGALRM time limit) cannot be delivered
    and the kernel kills the process with SIGSEGV.  One Core that is never freed
    maps one stack, once."""
    import openvino as ov

    return ov.Core()


def _compile(model_path: str, config: dict[str, Any]) -> Any:
    core = _core()
    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return core.compile_model(model_path, "CPU", {**config, "CACHE_DIR": str(folder)})
    except (OSError, RuntimeError) as e:  # an unwritable cache: compile without it
        log.debug("OpenVINO model cache not used: %s", e)
        return core.compile_model(model_path, "CPU", config)


class OpenVinoSession:
    """One compiled model and its one inference request, called like rapidocr's
    OrtInferSession: ``session(batch) -> [first output]``."""

    def __init__(self, model_path: str, threads: int = 0):
        config: dict[str, Any] = {"PERFORMANCE_HINT": "LATENCY", "NUM_STREAMS": 1,
                                  "CPU_RUNTIME_CACHE_CAPACITY": SHAPE_CACHE}
        if threads:
            config["INFERENCE_NUM_THREADS"] = threads
        self._compiled = _compile(model_path, config)
        self._request = self._compiled.create_infer_request()
        self._output = self._compiled.output(0)

    def __call__(self, batch: np.ndarray) -> list[np.ndarray]:
        out = self._request.infer(np.ascontiguousarray(batch, dtype=np.float32))
        # The request reuses its output buffer on the next call: keep a copy.
        return [np.array(out[self._output], copy=True)]


# ONNX Runtime's intra-op threads spin while they wait for work by default.  On
# PP-OCR's small per-line inferences that doubled the CPU of an engine with two
# threads (the recogniser on 30 card lines: 1.33 CPU-s with one thread, 2.55 with
# two spinning, 1.47 with two that sleep; docs/notes/speed10b.md).
NO_SPINNING = ("session.intra_op.allow_spinning", "0")


def ort_session(model_path: str, threads: int) -> Any:
    """An ONNX Runtime session of one model file with `threads` intra-op threads
    (0: one per core) that sleep, not spin, when idle; rapidocr's other options."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.log_severity_level = 4
    so.enable_cpu_mem_arena = False
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads:
        so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.add_session_config_entry(*NO_SPINNING)
    return ort.InferenceSession(model_path, so, providers=["CPUExecutionProvider"])


def without_spinning(ocr: Any, threads: int) -> None:
    """Rebuild the ONNX Runtime sessions of a RapidOCR object whose threads would
    spin (more than one thread: `threads` 0 or > 1) with sleeping threads (NO_SPINNING).
    Models OpenVINO runs are left alone."""
    if threads == 1:
        return
    for stage, attr in (("text_det", "infer"), ("text_cls", "infer"), ("text_rec", "session")):
        holder = getattr(getattr(ocr, stage), attr)
        path = _model_path(holder)
        if path is not None:  # rapidocr's OrtInferSession: it calls holder.session.run
            holder.session = ort_session(path, threads)


def _model_path(infer_session: Any) -> str | None:
    """The ONNX file behind one of rapidocr's OrtInferSession objects."""
    sess = getattr(infer_session, "session", None)
    path = getattr(sess, "_model_path", None)
    return str(path) if path else None


# The models of a RapidOCR object that OpenVINO runs (stage, attribute holding its
# session): the text detector only.  On the 24 phone photos of the speed benchmark
# (CPU-s a photo, one thread, the same load) OpenVINO took detection from 0.36 to
# 0.21 but the recogniser from 0.50 only to 0.47 (30 lines of card widths: 1.44
# against 1.46 CPU-s) and the angle classifier from 0.013 to 0.019, while every
# model it runs costs compile or cache-load time and memory per worker (the
# recogniser's kernels per line width: docs/notes/speed10b.md).
OPENVINO_STAGES = (("text_det", "infer"),)


def use_openvino(ocr: Any, threads: int) -> bool:
    """Swap the OPENVINO_STAGES models of a RapidOCR object to OpenVINO, in place;
    False (the object untouched) when OpenVINO is not installed or cannot compile them."""
    stages = OPENVINO_STAGES
    try:
        swapped = {}
        for stage, attr in stages:
            path = _model_path(getattr(getattr(ocr, stage), attr))
            if path is None:
                return False
            swapped[stage] = OpenVinoSession(path, threads)
    except Exception as e:  # ImportError, a model OpenVINO cannot compile
        log.debug("OpenVINO not used: %s: %s", type(e).__name__, e)
        return False
    for stage, attr in stages:
        setattr(getattr(ocr, stage), attr, swapped[stage])
    return True
