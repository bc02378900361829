"""The lead store: SQLite with versioned migrations, content-hash ids, merge rules."""
