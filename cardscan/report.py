"""The follow-up report: per event, how far the cards went (issue 13).

The funnel counts leads, not tasks: cards, contacted within one business day
of the meeting (the measure the advice is about), replied, meetings booked,
met, closed; with the overdue tasks and the median number of days from the
meeting to the first contact.  A stage counts once a lead has reached it
(its stage history), so a lead met and then closed counts as met and closed.
The chart is drawn with matplotlib's Agg canvas (no display, no global pyplot
state), so the workspace can render it per request.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import InvalidValueError
from .followup.cadence import Cadence
from .followup.calendar import Clock
from .leads import CONTACT_CHANNELS, PENDING, Lead, StageChange, Task
from .outputs import PNG_MARK, Output, atomic_open, check_outputs
from .store import Store

NO_EVENT = "(no event)"
# The funnel's bars, in order: (attribute of Funnel, label).
BARS: tuple[tuple[str, str], ...] = (
    ("cards", "cards"),
    ("contacted_fast", "contacted within 1 business day"),
    ("replied", "replied"),
    ("booked", "meeting booked"),
    ("met", "met"),
    ("closed", "closed"),
)
_REPLIED = frozenset({"replied", "meeting-booked", "met"})
_BOOKED = frozenset({"meeting-booked", "met"})


@dataclass(frozen=True)
class Funnel:
    event: str
    cards: int
    contacted: int
    contacted_fast: int  # first contact within one business day of the meeting
    replied: int
    booked: int
    met: int
    closed: int
    overdue: int  # pending tasks due before today
    median_days_to_contact: float | None  # calendar days, meeting -> first contact


def first_contact(tasks: Sequence[Task]) -> dt.date | None:
    """The day the first e-mail or call went out (a done step, any outcome)."""
    days = [t.done_on for t in tasks
            if t.status == "done" and t.channel in CONTACT_CHANNELS and t.done_on]
    return min(days, default=None)


def funnel(
    store: Store, *, cadence: Cadence, clock: Clock, event: str | None = None
) -> list[Funnel]:
    """One funnel per event (leads with no event under NO_EVENT), by event name;
    only `event` (case-insensitive) when given."""
    today = cadence.calendar.today(clock)
    leads = store.leads()
    if event is not None:
        known = sorted({x.event for x in leads if x.event}, key=str.casefold)
        leads = [x for x in leads if (x.event or "").casefold() == event.strip().casefold()]
        if not leads:
            shown = ", ".join(known) or "none yet"
            raise InvalidValueError(f"no lead was met at event {event!r} (events: {shown})")
    tasks: dict[str, list[Task]] = {}
    for t in store.tasks():
        tasks.setdefault(t.lead_id, []).append(t)
    stages: dict[str, list[StageChange]] = {}
    for s in store.stage_history():
        stages.setdefault(s.lead_id, []).append(s)
    groups: dict[str, list[Lead]] = {}
    for lead in leads:
        groups.setdefault(lead.event or NO_EVENT, []).append(lead)
    return [
        _one(name, group, tasks, stages, cadence, today)
        for name, group in sorted(groups.items(), key=lambda kv: (kv[0] == NO_EVENT, kv[0]))
    ]


def _one(
    name: str,
    leads: Sequence[Lead],
    tasks: dict[str, list[Task]],
    stages: dict[str, list[StageChange]],
    cadence: Cadence,
    today: dt.date,
) -> Funnel:
    cal = cadence.calendar
    fast = contacted = 0
    waits: list[int] = []
    reached: list[set[str]] = []
    overdue = 0
    for lead in leads:
        mine = tasks.get(lead.id, [])
        overdue += sum(1 for t in mine if t.status in PENDING and t.due < today)
        reached.append({s.stage for s in stages.get(lead.id, [])} | {lead.stage})
        first = first_contact(mine)
        if first is None:
            continue
        contacted += 1
        met = lead.met_on or (lead.created_at.date() if lead.created_at else first)
        waits.append((first - met).days)
        if first <= cal.add_business_days(met, 1):
            fast += 1
    return Funnel(
        event=name,
        cards=len(leads),
        contacted=contacted,
        contacted_fast=fast,
        replied=sum(1 for r in reached if r & _REPLIED),
        booked=sum(1 for r in reached if r & _BOOKED),
        met=sum(1 for r in reached if "met" in r),
        closed=sum(1 for lead in leads if lead.stage == "closed"),
        overdue=overdue,
        median_days_to_contact=statistics.median(waits) if waits else None,
    )


def format_report(funnels: Sequence[Funnel]) -> str:
    """The report as text, one block per event."""
    if not funnels:
        return "No leads yet."
    blocks = []
    for f in funnels:
        median = "-" if f.median_days_to_contact is None else f"{f.median_days_to_contact:g}"
        rows = [(label, getattr(f, key)) for key, label in BARS]
        rows += [("overdue tasks", f.overdue), ("median days to first contact", median)]
        width = max(len(label) for label, _ in rows)
        lines = [f"{f.event}"]
        for label, value in rows:
            pct = ""
            if isinstance(value, int) and f.cards and label != "overdue tasks" and label != "cards":
                pct = f"  ({round(100 * value / f.cards)}%)"
            lines.append(f"  {label.ljust(width)}  {value}{pct}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def chart_png(funnels: Sequence[Funnel], *, title: str = "Follow-up funnel") -> bytes:
    """The funnel as a PNG: one group of horizontal bars per event."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = max(1, len(funnels))
    fig = Figure(figsize=(8, 1.2 + 2.3 * rows), dpi=100)
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, 1, squeeze=False)[:, 0]
    colours = ("#8a8f98", "#2f6fb0", "#3d8f5a", "#c98a1b", "#1f7a4d", "#b0413e")
    shown: list[Funnel | None] = list(funnels) or [None]
    for ax, f in zip(axes, shown, strict=False):
        if f is None:
            ax.text(0.5, 0.5, "No leads yet", ha="center", va="center")
            ax.set_axis_off()
            continue
        labels = [label for _, label in BARS]
        values = [getattr(f, key) for key, _ in BARS]
        ax.barh(range(len(values)), values, color=colours)
        ax.set_yticks(range(len(values)), labels)
        ax.invert_yaxis()
        ax.set_xlim(0, max([*values, 1]) * 1.15)
        for i, v in enumerate(values):
            ax.text(v + 0.02 * max([*values, 1]), i, str(v), va="center", fontsize=9)
        median = "-" if f.median_days_to_contact is None else f"{f.median_days_to_contact:g}"
        ax.set_title(
            f"{f.event}: {f.overdue} overdue tasks; median days to first contact: {median}",
            fontsize=10, loc="left",
        )
        ax.xaxis.get_major_locator().set_params(integer=True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    fig.suptitle(title, fontsize=12, x=0.02, ha="left")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": PNG_MARK})
    return buf.getvalue()


def write_chart(path: Path, funnels: Sequence[Funnel], *, database: Path | None = None) -> Path:
    """Write the chart to `path`; never over a photo, the database or another file."""
    check_outputs([Output("--out", "png", Path(path))], database=database)
    with atomic_open(Path(path), binary=True) as fh:
        fh.write(chart_png(funnels))
    return Path(path)
