"""Exceptions carry their exit code; `cardscan.cli.main` maps them in one place.

Exit codes (documented in the README):
    0  every input was read
    1  the run finished but some inputs failed (each has an `error` record)
    2  bad command-line usage or arguments
    3  a required external program is missing (e.g. the tesseract binary)
    4  invalid configuration (e.g. a cadence file)
    5  store error (database cannot be opened, unknown lead or task id)
    6  an output cannot be written (read-only folder, disk full, I/O error)
  7  the Dask scheduler cannot be reached, or was lost mid-run (what was read is stored)
  130  interrupted (Ctrl-C); everything already processed is kept
  143  terminated (SIGTERM); the same as Ctrl-C
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    some_inputs_failed = 1
    usage = 2
    missing_dependency = 3
    invalid_config = 4
    store_error = 5
    output_error = 6
    cluster_error = 7
    interrupted = 130
    terminated = 143


class CardscanError(Exception):
    exit_code: ExitCode = ExitCode.usage


class InputFileError(CardscanError):
    """One input cannot be read; the batch goes on.  Message is one line."""

    exit_code = ExitCode.some_inputs_failed


class MissingDependencyError(CardscanError):
    exit_code = ExitCode.missing_dependency


class ConfigError(CardscanError):
    exit_code = ExitCode.invalid_config


class StoreError(CardscanError):
    exit_code = ExitCode.store_error


class InvalidValueError(CardscanError):
    """A value typed for a lead (an e-mail, a phone, a name) is not valid; the
    message is one sentence saying which value and why."""

    exit_code = ExitCode.usage


class OutputRefused(CardscanError):
    """An output path would destroy something (an input, the database, a file of
    another kind) or cannot be a file; nothing was written."""

    exit_code = ExitCode.usage


class OutputError(CardscanError):
    """Writing an output failed (read-only, disk full); the previous file is intact."""

    exit_code = ExitCode.output_error


class ClusterError(CardscanError):
    """The Dask scheduler of `cardscan scan --scheduler` cannot be reached, or the
    connection to it was lost mid-run; the photos answered before are stored."""

    exit_code = ExitCode.cluster_error


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would be: the run stops the same way (exit 143)."""
