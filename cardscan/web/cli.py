"""`cardscan serve` (the workspace) and `cardscan calendar` (the plan as a
calendar subscription: its URL, or a server for that URL alone)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import MissingDependencyError, StoreError

if TYPE_CHECKING:
    from .app import WebConfig

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


def _web_config(args: argparse.Namespace) -> WebConfig:
    """What `serve` and `calendar serve` answer from: the store of --db (which must
    exist), its cadence and clock, and the address to listen on."""
    from ..cli_crm import cadence_from_args, clock_from_env
    from .app import WebConfig

    db = Path(args.db)
    if not db.exists():
        raise StoreError(
            f"{db}: no lead database here yet (cardscan scan or cardscan add makes one)"
        )
    cadence = cadence_from_args(args)
    return WebConfig(
        db=db, cadence=cadence, clock=clock_from_env(cadence.calendar.timezone), host=args.host
    )


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        from .server import serve
    except ImportError as exc:  # pragma: no cover - flask is a core dependency
        raise MissingDependencyError(f"the workspace needs Flask ({exc.name} is missing)") from None
    config = _web_config(args)
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


FEED_PORT = 8766  # `cardscan calendar serve`: next to the workspace's port


def cmd_calendar(args: argparse.Namespace) -> int:
    from ..calendar_feed import feed_token, feed_url, reset_feed_token
    from .server import url_for_address

    token = reset_feed_token() if args.reset else feed_token()
    if args.action == "url":
        base = url_for_address(args.host, args.port or DEFAULT_PORT)
        print(feed_url(base, token))
        return 0
    return _serve_feed(args)


def _serve_feed(args: argparse.Namespace) -> int:
    from werkzeug.serving import make_server

    from ..calendar_feed import feed_url
    from ..errors import CardscanError
    from .feed import create_feed_app
    from .server import url_for_address

    config = _web_config(args)
    port = FEED_PORT if args.port is None else args.port
    try:
        server = make_server(args.host, port, create_feed_app(config), threaded=True)
    except OSError as exc:
        raise CardscanError(f"cannot listen on {args.host}:{port}: {exc.strerror or exc}") from None
    url = feed_url(url_for_address(args.host, server.server_port))
    print(f"cardscan calendar: subscribe to {url} (Ctrl-C stops it)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("cardscan: calendar feed stopped", file=sys.stderr)
    finally:
        server.server_close()
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `serve` and `calendar` sub-commands."""
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

    p = subparsers.add_parser(
        "calendar",
        parents=[db_parent(), cadence_parent()],
        help="the follow-up plan as a calendar subscription (URL or server)",
        description="'url' prints the subscription URL the workspace (cardscan serve) answers; "
        "'serve' answers that URL alone. Apple Calendar: File > New Calendar Subscription; "
        "Outlook: Add calendar > Subscribe from web; Google: Other calendars > From URL "
        "(Google fetches from the internet, so the URL must be reachable from there).",
    )
    p.add_argument("action", choices=("url", "serve"))
    p.add_argument("--port", type=_port, default=None,
                   help=f"url: the workspace's port (default {DEFAULT_PORT}); "
                   f"serve: port to listen on (default {FEED_PORT}; 0 = any free port)")
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"address (default: {DEFAULT_HOST}, this machine only)")
    p.add_argument("--reset", action="store_true",
                   help="make a new secret token: the old URL stops working")
    p.set_defaults(func=cmd_calendar)
