"""Follow-up planning: the cadence (data), the business calendar and the pure planner."""

from __future__ import annotations

from .cadence import Cadence, Message, Step, load_cadence, parse_cadence
from .calendar import Calendar, Clock
from .planner import complete, plan, referral_task, rerender, snooze

__all__ = [
    "Cadence",
    "Calendar",
    "Clock",
    "Message",
    "Step",
    "complete",
    "load_cadence",
    "parse_cadence",
    "plan",
    "referral_task",
    "rerender",
    "snooze",
]
