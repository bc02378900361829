"""The lead store: SQLite with versioned migrations, content-hash ids, merge rules."""

from __future__ import annotations

from .db import SourceRow, Store

__all__ = ["SourceRow", "Store"]
