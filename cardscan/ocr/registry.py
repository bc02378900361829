"""Every OCR engine cardscan knows, in one table: name -> factory, description.

The CLI's ``--engine`` choices and help, the benchmarks and `get_engine` all
read this table, so an engine is added in one place.  ``auto`` is the first
available engine in table order; ``replay:FILE`` takes an argument.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import MissingDependencyError

if TYPE_CHECKING:
    from . import OcrEngine

AUTO = "auto"


@dataclass(frozen=True)
class EngineSettings:
    """What a factory may use; each engine takes what applies to it."""

    lang: str = "eng"  # Tesseract language(s)
    threads: int = 0  # ONNX Runtime threads (0 = its default)
    second_reading: bool = True  # re-read doubtful e-mail lines (combine.py)
    scripts: bool = True  # re-read Japanese/Korean/Traditional Chinese lines (scripts.py)
    argument: str = ""  # what follows "name:" (replay's file)


@dataclass(frozen=True)
class EngineSpec:
    name: str
    description: str
    factory: Callable[[EngineSettings], OcrEngine]
    available: Callable[[], bool]
    argument: str = ""  # metavar of a required argument ("FILE"), else ""
    auto: bool = True  # may `auto` choose it


def _rapidocr(s: EngineSettings) -> OcrEngine:
    from .rapid import RapidEngine

    return RapidEngine(threads=s.threads, second_reader=s.second_reading, scripts=s.scripts)


def _tesseract(s: EngineSettings) -> OcrEngine:
    from .tesseract import TesseractEngine

    return TesseractEngine(lang=s.lang)


def _replay(s: EngineSettings) -> OcrEngine:
    from . import load_replay

    return load_replay(s.argument)


ENGINES: tuple[EngineSpec, ...] = (
    EngineSpec("rapidocr", "PP-OCRv4 on ONNX Runtime, models inside the wheel (default)",
               _rapidocr, lambda: importlib.util.find_spec("rapidocr_onnxruntime") is not None),
    EngineSpec("tesseract", "Debian's tesseract-ocr through pytesseract", _tesseract,
               lambda: shutil.which("tesseract") is not None),
    EngineSpec("replay", "recorded OCR pages (benchmarks/record_ocr.py), for tests",
               _replay, lambda: True, argument="FILE.jsonl", auto=False),
)


def spec(name: str) -> EngineSpec | None:
    return next((e for e in ENGINES if e.name == name), None)


def engine_names() -> list[str]:
    """What `--engine` accepts, as shown to a user ("replay:FILE.jsonl")."""
    return [AUTO] + [f"{e.name}:{e.argument}" if e.argument else e.name for e in ENGINES]


def engine_help() -> str:
    first = next((e.name for e in ENGINES if e.auto), "")
    rows = [f"{AUTO} (the first installed of {', '.join(e.name for e in ENGINES if e.auto)}; "
            f"normally {first})"]
    rows += [f"{e.name}{':' + e.argument if e.argument else ''} ({e.description})"
             for e in ENGINES]
    return "; ".join(rows)


def check_name(value: str) -> str:
    """`value` if it names an engine (for argparse), else ValueError saying which do."""
    name, _, arg = value.partition(":")
    e = spec(name)
    if value == AUTO or (e is not None and bool(e.argument) == bool(arg)):
        return value
    raise ValueError(f"unknown engine {value!r} ({', '.join(engine_names())})")


def available_engines() -> list[str]:
    return [e.name for e in ENGINES if e.auto and e.available()]


def get_engine(name: str = AUTO, settings: EngineSettings | None = None) -> OcrEngine:
    s = settings or EngineSettings()
    if name == AUTO:
        avail = available_engines()
        if not avail:
            raise MissingDependencyError(
                "no OCR engine: install Debian's tesseract-ocr or `pip install cardscan[rapidocr]`"
            )
        name = avail[0]
    base, _, arg = name.partition(":")
    e = spec(base)
    if e is None or bool(e.argument) != bool(arg):
        raise MissingDependencyError(f"unknown OCR engine {name!r} ({', '.join(engine_names())})")
    if arg:
        from dataclasses import replace

        s = replace(s, argument=arg)
    return e.factory(s)
