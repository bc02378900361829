"""The calendar subscription over HTTP: ``GET /calendar.ics?token=...``.

The workspace answers it (`cardscan serve`), and so does a server that
answers nothing else (`cardscan calendar serve`, `create_feed_app`).  What
the feed holds and why is in `cardscan.calendar_feed`.  A missing or wrong
token gets a plain 404, so the URL gives nothing away.
"""

from __future__ import annotations

from flask import Flask, Response, abort, request

from .. import crm
from ..calendar_feed import FEED_PATH, calendar_feed, feed_token
from . import security
from .app import WebConfig

CONTENT_TYPE = "text/calendar; charset=utf-8"


def feed_response(config: WebConfig) -> Response:
    """This request's feed, or 404 when its token is not the feed's."""
    if not security.token_ok(feed_token(), request.args.get("token")):
        abort(404)
    with crm.open_store(config.db) as store:
        data = calendar_feed(store, config.cadence, now=config.clock())
    resp = Response(data, content_type=CONTENT_TYPE)
    resp.headers["Content-Disposition"] = 'inline; filename="cardscan.ics"'
    return resp


def add_feed_route(app: Flask, config: WebConfig) -> None:
    app.add_url_rule(FEED_PATH, "calendar_feed", lambda: feed_response(config), methods=["GET"])


def create_feed_app(config: WebConfig) -> Flask:
    """A WSGI app that serves the feed and nothing else (same Host guard as
    the workspace: on loopback it answers to this machine's names only)."""
    app = Flask(__name__)
    hosts = security.allowed_hosts(config.host)

    @app.before_request
    def _guard() -> None:
        if not security.host_ok(request.headers.get("Host"), hosts):
            abort(400)

    @app.after_request
    def _headers(resp: Response) -> Response:
        return security.with_headers(resp)

    add_feed_route(app, config)
    return app
