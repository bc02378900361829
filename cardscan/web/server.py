"""Run the workspace: a threaded WSGI server on one address.

`serve` blocks until Ctrl-C; `start_in_thread` runs the same server in a
background thread (tests, screenshot and walk-through scripts) and returns
it with its URL.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from werkzeug.serving import BaseWSGIServer, make_server

from ..errors import CardscanError
from .app import WebConfig, create_app


def url_for_address(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def make(config: WebConfig, port: int, *, log_requests: bool = False) -> BaseWSGIServer:
    """A server bound to config.host:port (0: any free port); nothing served yet.
    Requests are logged (werkzeug's log) only with `log_requests`."""
    if not log_requests:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    try:
        return make_server(config.host, port, create_app(config), threaded=True)
    except OSError as exc:
        hint = " (give another --port, or 0 for any free one)" if port else ""
        raise CardscanError(
            f"cannot listen on {config.host}:{port}: {exc.strerror or exc}{hint}"
        ) from None


def serve(
    config: WebConfig,
    port: int,
    announce: Callable[[str], None] = print,
    *,
    log_requests: bool = False,
) -> None:
    """Serve until interrupted; `announce` gets the lines with the URLs (the
    workspace's, then the calendar subscription's)."""
    from ..calendar_feed import feed_url

    server = make(config, port, log_requests=log_requests)
    base = url_for_address(config.host, server.server_port)
    announce(f"cardscan workspace: open {base} (Ctrl-C stops it)")
    announce(f"calendar subscription (Apple Calendar, Outlook): {feed_url(base)}")
    try:
        server.serve_forever()
    finally:
        server.server_close()


@dataclass
class Running:
    """A server running in a background thread."""

    server: BaseWSGIServer
    thread: threading.Thread
    url: str

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def start_in_thread(config: WebConfig, port: int = 0) -> Running:
    server = make(config, port)
    thread = threading.Thread(target=server.serve_forever, name="cardscan-web", daemon=True)
    thread.start()
    return Running(server, thread, url_for_address(config.host, server.server_port))
