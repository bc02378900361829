"""`cardscan serve`: the sub-command that starts the workspace."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import MissingDependencyError, StoreError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def _port(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = -1
    if not 0 <= n <= 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r} (0-65535; 0 = any free)")
    return n


def cmd_serve(args: argparse.Namespace) -> int:
    from ..cli_crm import cadence_from_args, clock_from_env

    try:
        from .app import WebConfig
        from .server import serve
    except ImportError as exc:  # pragma: no cover - flask is a core dependency
        raise MissingDependencyError(f"the workspace needs Flask ({exc.name} is missing)") from None
    db = Path(args.db)
    if not db.exists():
        raise StoreError(
            f"{db}: no lead database here yet (cardscan scan or cardscan add makes one)"
        )
    cadence = cadence_from_args(args)
    config = WebConfig(
        db=db, cadence=cadence, clock=clock_from_env(cadence.calendar.timezone), host=args.host
    )
    try:
        serve(
            config,
            args.port,
            announce=lambda line: print(line, flush=True),
            log_requests=bool(getattr(args, "verbose", False)),
        )
    except KeyboardInterrupt:
        print("cardscan: workspace stopped", file=sys.stderr)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `serve` sub-command."""
    from ..cli_crm import cadence_parent, db_parent

    p = subparsers.add_parser(
        "serve",
        parents=[db_parent(), cadence_parent()],
        help="open the review and follow-up workspace in a browser",
        description="Start the local workspace (a web app) over the lead database and print "
        "its URL. It listens on 127.0.0.1 only unless --host says otherwise.",
    )
    p.add_argument("--port", type=_port, default=DEFAULT_PORT,
                   help=f"port (default: {DEFAULT_PORT}; 0 = any free port)")
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"address to listen on (default: {DEFAULT_HOST}, this machine only)")
    p.set_defaults(func=cmd_serve)
