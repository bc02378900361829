"""The scan loop: photos -> records -> store -> plans -> outputs, in one place.

`run_scan` is what `cardscan scan`, the Python API and the workspace call.  It
never destroys what it was given and every file gets an answer:

* outputs are checked before anything is read (`cardscan.outputs`); the CSV is
  written atomically at the end, and not at all when nothing could be read
  (``cardscan scan /nonexistent`` leaves the previous leads.csv as it was);
* every input gets records: refused files (`cardscan.inputs`) an ``error``
  record each, the others what the pipeline read within the time limit;
* each photo's results are committed to the store as it finishes, together
  with the records themselves (table ``scan_results``), keyed by the photo's
  SHA-256, the options that change a reading (`ScanOptions.read_key`) and the
  cardscan version.  A rerun (after a crash, Ctrl-C, SIGTERM or a finished
  batch) reuses them instead of reading the photo again, and its CSV still
  lists the whole batch; ``reread=True`` reads every photo again.  A reading
  made with other options or another version is never reused;
* the JSONL output is appended and flushed photo by photo (`JsonlAppender`);
* Ctrl-C (KeyboardInterrupt, which the CLI also raises for SIGTERM) stops the
  reading; what was read is stored and written, and the summary says so.
  Signals are held while one photo's results are committed and while outputs
  are written, so a photo is stored whole or not at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import signal
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import CardscanError, Terminated
from .inputs import InputFile, display_path, file_sha256, find_inputs
from .model import CardRecord
from .options import ScanOptions
from .outputs import JsonlAppender, Output, check_outputs
from .sides import Pairing
from .workers import start_early

if TYPE_CHECKING:
    from .followup.cadence import Cadence
    from .followup.calendar import Clock
    from .ocr import OcrEngine
    from .store import Store

log = logging.getLogger(__name__)

# Reads inputs into records: (input, its records) for each, in input order, refused
# inputs (InputFile.error) included; closing the generator stops the reading.
Reader = Callable[[list[InputFile], ScanOptions, "OcrEngine | None"],
                  Generator[tuple[InputFile, list[CardRecord]], None, None]]

EARLIEST_MEETING_YEAR = 2000  # EXIF dates before this are a camera's reset clock


class NoInputsError(CardscanError):
    """Nothing to read in the paths given (usage error)."""


@dataclass(frozen=True)
class ScanOutputs:
    """Where a scan writes: leads CSV, JSONL records, lead database (None = not)."""

    csv: Path | None = None
    jsonl: Path | None = None
    db: Path | None = None

    def files(self) -> list[Output]:
        out = []
        if self.csv is not None:
            out.append(Output("--csv", "csv", Path(self.csv)))
        if self.jsonl is not None:
            out.append(Output("--jsonl", "jsonl", Path(self.jsonl)))
        if self.db is not None:
            out.append(Output("--db", "db", Path(self.db)))
        return out


@dataclass(frozen=True)
class FileResult:
    """One input file's answer, reported as soon as it is stored."""

    source: str
    records: tuple[CardRecord, ...]
    reused: bool  # taken from the store, not read again
    changes: tuple[str, ...]  # what storing it changed on known leads ("lead X: event: A -> B")
    done: int  # files answered so far
    total: int


@dataclass(frozen=True)
class ScanSummary:
    files: int  # inputs of the run
    files_done: int  # inputs answered (all of them unless interrupted)
    cards: int  # ok + review
    review: int
    no_card: int
    failed: int  # error records
    reused: int  # photos whose stored reading was reused
    interrupted: bool
    terminated: bool  # interrupted by SIGTERM (errors.Terminated), not Ctrl-C
    csv_written: bool  # False: nothing was read, the previous CSV is untouched
    errors: tuple[str, ...]  # one line per failed input
    outputs: ScanOutputs


@contextlib.contextmanager
def hold_signals() -> Iterator[None]:
    """Delay Ctrl-C and SIGTERM until the block is done (main thread only):
    the previous handler then runs, and may raise KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got: list[int] = []
    sigs = (signal.SIGINT, signal.SIGTERM)
    previous: dict[int, Any] = {s: signal.signal(s, lambda n, f: got.append(n)) for s in sigs}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
        for n in got[:1]:
            h = previous[n]
            if callable(h):
                h(n, None)
            elif h == signal.SIG_DFL and n == signal.SIGINT:
                raise KeyboardInterrupt
            elif h == signal.SIG_DFL:
                os.kill(os.getpid(), n)  # nobody handles it: end as it would have


def plausible_taken_at(record: CardRecord, today: dt.date) -> CardRecord:
    """A record whose EXIF date cannot be a meeting date (in the future, or
    before 2000) loses it for planning and says so in `date_note`."""
    if not record.taken_at:
        return record
    try:
        day = dt.date.fromisoformat(record.taken_at[:10].replace(":", "-"))
    except ValueError:
        day = None
    if day is None:
        why = f"EXIF date {record.taken_at!r} is not a date"
    elif day > today + dt.timedelta(days=1):  # a day of slack for time zones
        why = f"EXIF date {day.isoformat()} is in the future"
    elif day.year < EARLIEST_MEETING_YEAR:
        why = f"EXIF date {day.isoformat()} is before {EARLIEST_MEETING_YEAR}"
    else:
        return record
    extra = {**record.extra, "date_note": f"{why}; meeting date is today",
             "exif_taken_at": record.taken_at}
    return replace(record, taken_at=None, extra=extra)


def read_key(options: ScanOptions) -> str:
    return f"cardscan={__version__};{options.read_key()}"


def _cached(store: Store | None, sha: str | None, key: str, source: str) -> list[CardRecord] | None:
    """The records stored for these bytes read this way, named after `source`
    (same bytes, maybe another name; a page keeps its ``#p2``)."""
    if store is None or sha is None:
        return None
    from .store.records import record_from_json

    text = store.scan_results(sha, key)
    if text is None:
        return None
    try:
        stored = json.loads(text)
        was = stored["source"]
        recs = [record_from_json(d) for d in stored["records"]]
    except (ValueError, KeyError, TypeError):
        log.debug("stored reading of %s unusable; reading again", source, exc_info=True)
        return None
    return [replace(r, source=source + r.source[len(was):] if r.source.startswith(was)
                    else source) for r in recs]


def _kept(source: str, records: list[CardRecord]) -> str | None:
    """The JSON text to store for one file's reading, or None: a failed reading
    (it may pass next time) or one that is not JSON is read again on a rerun."""
    if not records or any(r.status == "error" for r in records):
        return None
    from .store.records import record_to_json

    try:
        return json.dumps({"source": source, "records": [record_to_json(r) for r in records]})
    except (TypeError, ValueError):
        log.warning("%s: reading not kept for reruns (not JSON)", source, exc_info=True)
        return None


class _Job:
    """State of one run_scan call (kept out of the function to keep it short)."""

    def __init__(self, store: Store | None, options: ScanOptions, event: str | None,
                 met_on: dt.date | None, cadence: Cadence | None, clock: Clock) -> None:
        self.store = store
        self.options = options
        self.key = read_key(options)
        self.event = event
        self.met_on = met_on
        self.cadence = cadence
        self.clock = clock
        self.rows: list[dict[str, Any]] = []
        self.counts = {"ok": 0, "review": 0, "no_card": 0, "error": 0}
        self.errors: list[str] = []
        self.reused = 0
        self.done = 0
        self.sides: dict[str, str | None] = {}  # one side of a card stored: source -> lead

    def today(self) -> dt.date:
        if self.cadence is not None:
            return self.cadence.calendar.today(self.clock)
        return self.clock().date()

    def commit(self, source: str, sha: str | None, records: list[CardRecord],
               reused: bool, reading: list[CardRecord] | None = None,
               ) -> tuple[list[dict[str, Any]], list[str]]:
        """Store one file's cards (and its reading) in one transaction: its rows
        and what storing them changed on leads already known.  `reading` is
        what the pipeline read (kept for reruns), when `records` are that
        reading joined with the file's other side (`cardscan.sides`)."""
        today = self.today()
        shown = [plausible_taken_at(r, today) for r in records]
        rows: list[dict[str, Any]] = []
        changes: list[str] = []
        tx = self.store.transaction() if self.store else contextlib.nullcontext()
        with tx:
            for rec in shown:
                row, changed = self._row(rec)
                rows.append(row)
                changes.extend(changed)
            read = records if reading is None else reading
            kept = _kept(source, read) if self.store and sha and not reused else None
            if self.store is not None and sha and kept is not None:
                self.store.save_scan_results(sha, self.key, kept, self.clock())
        for row in rows:
            self.counts[row["status"]] += 1
            if row["status"] == "error" and row["error"]:
                self.errors.append(row["error"])
        self.reused += reused
        self.done += 1
        self.rows.extend(rows)
        return rows, changes

    def _one_lead_per_card(self, rec: CardRecord, lead_id: str | None) -> None:
        """The two sides of one card are one lead, even when a run stopped
        between them and stored the first side as a lead of its own: once both
        sides are stored, the logo side's lead is merged into the contact side's."""
        other = rec.extra.get("side_of") or rec.extra.get("other_side")
        if not other or self.store is None or self.cadence is None:
            return
        if other not in self.sides:
            self.sides[rec.source] = lead_id
            return
        theirs = self.sides.pop(other)
        keep, drop = (lead_id, theirs) if "other_side" in rec.extra else (theirs, lead_id)
        if keep and drop and keep != drop:
            from .crm_review import merge_leads

            merge_leads(self.store, keep, drop, cadence=self.cadence, clock=self.clock)

    def _row(self, rec: CardRecord) -> tuple[dict[str, Any], list[str]]:
        row = rec.to_dict()
        row["event"] = self.event
        if self.store is None or self.cadence is None:
            return row, []
        from . import crm
        from .export.leads_csv import follow_up_fields

        res = crm.import_card(self.store, rec, event=self.event, met_on=self.met_on,
                              cadence=self.cadence, clock=self.clock)
        self._one_lead_per_card(rec, res.lead_id)
        if "side_of" in rec.extra:  # a logo side: the lead is its other side's row
            return row, []
        if res.lead_id:
            row.update(follow_up_fields(crm.next_action(self.store, res.lead_id, self.clock),
                                        res.lead_id))
            row["possible_duplicate_of"] = res.possible_duplicate_of
        reasons = res.review_reasons
        if res.skipped and res.lead_id and rec.status == "ok":  # a rerun: the lead's state now
            lead = self.store.get_lead(res.lead_id)
            if lead is not None and lead.review_status == "needs_review":
                reasons = lead.review_reasons
        if reasons and rec.status == "ok":  # the store's view, e.g. an uncertain e-mail
            row["status"] = "review"
            row["review_reasons"] = list(reasons)
        return row, [f"lead {res.lead_id}: {c}" for c in res.changes]


_Answer = tuple[InputFile, str | None, list[CardRecord], bool]  # file, sha, records, reused


def _answers(
    files: list[InputFile], job: _Job, reread: bool, engine: OcrEngine | None,
    reader: Reader | None = None,
) -> Generator[_Answer, None, None]:
    """(input, its SHA-256, records, reused) in input order: stored readings
    looked up first, the rest read by `reader` (default: the pipeline's pool)."""
    if reader is None:
        from .pipeline import run_files

        reader = run_files

    shas: dict[int, str | None] = {}
    known: dict[int, list[CardRecord]] = {}
    fresh: list[InputFile] = []
    for i, f in enumerate(files):
        if f.error is None and job.store is not None:
            try:
                shas[i] = file_sha256(f.path)
            except OSError:
                shas[i] = None  # the pipeline says why
            got = None if reread else _cached(job.store, shas[i], job.key, f.source)
            if got is not None:
                known[i] = got
                continue
        fresh.append(f)
    reading = reader(fresh, job.options, engine)
    try:
        for i, f in enumerate(files):
            if i in known:
                yield f, shas.get(i), known[i], True
            else:
                _, recs = next(reading)
                yield f, shas.get(i), recs, False
    finally:
        reading.close()  # stops the worker pool now


def run_scan(
    paths: Iterable[str | Path],
    options: ScanOptions,
    outputs: ScanOutputs,
    *,
    event: str | None = None,
    met_on: dt.date | None = None,
    cadence: Cadence | None = None,
    clock: Clock | None = None,
    progress: Callable[[FileResult], None] | None = None,
    reread: bool = False,
    engine: OcrEngine | None = None,
    reader: Reader | None = None,
) -> ScanSummary:
    """Scan `paths` into `outputs` (see the module doc); raises CardscanError
    subclasses (each with its exit code) for problems with the run as a whole,
    never for one bad input.  `reader` reads the photos not found in the store
    (default: `pipeline.run_files`, this machine's process pool; a Dask cluster:
    `cardscan.cluster.DaskReader`)."""
    files = find_inputs(paths, options.max_bytes)
    if not files:
        shown = " ".join(display_path(str(p)) for p in paths)
        raise NoInputsError(f"no images found in {shown}")
    if reader is None and engine is None and min(options.resolved_workers(), len(files)) > 1:
        start_early()  # the pool's fork server gets ready while the inputs are hashed
    check_outputs(outputs.files(), inputs=[f.path for f in files],
                  database=outputs.db)
    store = None
    if outputs.db is not None:
        from . import crm

        if cadence is None:
            cadence = crm.load_cadence(None)
        store = crm.open_store(outputs.db)
    if clock is None:
        clock = lambda: dt.datetime.now(dt.UTC)  # noqa: E731
    job = _Job(store, options, (event or "").strip() or None, met_on, cadence, clock)
    jsonl = JsonlAppender(outputs.jsonl) if outputs.jsonl is not None else None
    interrupted: KeyboardInterrupt | None = None
    # A file of one card is held back until the next file is read: the two
    # may be two sides of one card (`cardscan.sides`), stored as one lead.
    pairing: Pairing[_Answer] = Pairing()

    def settle(ready: list[tuple[_Answer, list[CardRecord]]]) -> None:
        for (f, sha, read, reused), records in ready:
            with hold_signals():
                rows, changes = job.commit(f.source, sha, records, reused, reading=read)
                if jsonl is not None:
                    jsonl.write(rows)
            if progress is not None:
                progress(FileResult(f.source, tuple(records), reused, tuple(changes),
                                    job.done, len(files)))

    try:
        answers = _answers(files, job, reread, engine, reader)
        try:
            for answer in answers:
                settle(pairing.push(answer, answer[2]) if options.join_sides
                       else [(answer, answer[2])])
            settle(pairing.flush())
        except KeyboardInterrupt as e:
            interrupted = e  # keep what was read: the outputs below are still written
            with contextlib.suppress(KeyboardInterrupt), hold_signals():
                settle(pairing.flush())  # files read but held back are stored too
        finally:
            answers.close()
        csv_written = False
        if outputs.csv is not None and job.counts["error"] < len(job.rows):
            from .export.leads_csv import write_leads_csv

            try:
                with hold_signals():
                    write_leads_csv(outputs.csv, job.rows)
            except KeyboardInterrupt as e:
                interrupted = e  # raised once the file was written
            csv_written = True
    finally:
        if jsonl is not None:
            jsonl.close()
        if store is not None:
            store.close()
    c = job.counts
    return ScanSummary(len(files), job.done, c["ok"] + c["review"], c["review"], c["no_card"],
                       c["error"], job.reused, interrupted is not None,
                       isinstance(interrupted, Terminated), csv_written, tuple(job.errors),
                       outputs)


__all__ = ["FileResult", "NoInputsError", "Reader", "ScanOutputs", "ScanSummary", "run_scan"]
