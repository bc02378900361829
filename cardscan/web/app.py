"""The workspace as a Flask app: routes translate requests to `cardscan.crm`
calls and render templates; no lead or task logic lives here.

One store connection per request (SQLite connections stay in their thread;
the server answers each request in a thread of its own).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, flash, g, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from .. import crm
from ..errors import CardscanError, StoreError
from ..followup.cadence import Cadence
from ..followup.calendar import Clock
from ..store import Store
from . import security, views

SNOOZE_CHOICES: tuple[tuple[str, str], ...] = (
    ("+1d", "+1 day"),
    ("+3d", "+3 days"),
    ("+1w", "next week"),
)


@dataclass(frozen=True)
class WebConfig:
    """What the workspace serves: one lead database, its cadence and clock."""

    db: Path
    cadence: Cadence
    clock: Clock
    host: str = "127.0.0.1"


def create_app(config: WebConfig) -> Flask:
    """The WSGI app for `config`; every POST needs the app's CSRF token."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=security.new_token(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        MAX_CONTENT_LENGTH=256 * 1024,
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.jinja_env.autoescape = True  # every template, whatever its extension
    token = security.new_token()
    hosts = security.allowed_hosts(config.host)
    app.extensions["cardscan"] = config

    @app.before_request
    def _guard() -> None:
        if not security.host_ok(request.headers.get("Host"), hosts):
            abort(400, "this workspace answers to localhost only")
        if request.method == "POST":
            given = request.form.get(security.CSRF_FIELD) or request.headers.get(
                security.CSRF_HEADER
            )
            if not security.token_ok(token, given):
                abort(403, "the form's security token is missing or stale; reload the page")

    @app.after_request
    def _headers(resp: Response) -> Response:
        for key, value in security.SECURITY_HEADERS.items():
            resp.headers.setdefault(key, value)
        return resp

    @app.teardown_request
    def _close(_exc: BaseException | None) -> None:
        store = g.pop("store", None)
        if store is not None:
            store.close()

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "csrf_field": security.CSRF_FIELD,
            "csrf_token": token,
            "today": today(),
            "counts": views.nav_counts(store(), config.cadence, config.clock),
        }

    @app.errorhandler(CardscanError)
    def _domain_error(exc: CardscanError) -> tuple[str, int]:
        code = 404 if isinstance(exc, StoreError) and "unknown" in str(exc) else 400
        return render_template("error.html", message=str(exc), code=code), code

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> tuple[str, int]:
        code = exc.code or 500
        return render_template("error.html", message=exc.description, code=code), code

    _routes(app, config)
    return app


def store() -> Store:
    """This request's store connection (opened on first use)."""
    if "store" not in g:
        g.store = crm.open_store(_config().db)
    return g.store


def _config() -> WebConfig:
    from flask import current_app

    return current_app.extensions["cardscan"]


def today() -> dt.date:
    cfg = _config()
    return cfg.cadence.calendar.today(cfg.clock)


def _back(default: str) -> str:
    """Where to go after a POST: the form's `next` if it is a local path."""
    target = request.form.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


def _routes(app: Flask, cfg: WebConfig) -> None:
    def post(rule: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return app.route(rule, methods=["POST"])

    @app.get("/")
    def index() -> Any:
        return redirect(url_for("today_page"))

    # ------------------------------------------------------------ Today

    @app.get("/today")
    def today_page() -> str:
        groups = views.today_groups(store(), cfg.cadence, cfg.clock)
        return render_template("today.html", groups=groups, snooze_choices=SNOOZE_CHOICES)

    @post("/task/<task_id>/done")
    def task_done(task_id: str) -> Any:
        change = crm.done(
            store(),
            task_id,
            note=request.form.get("note"),
            cadence=cfg.cadence,
            clock=cfg.clock,
        )
        flash(views.change_message("Done", change), "ok")
        return redirect(_back(url_for("today_page")))

    @post("/task/<task_id>/snooze")
    def task_snooze(task_id: str) -> Any:
        until = crm.parse_until(request.form.get("until", ""), today())
        change = crm.snooze(store(), task_id, until=until, cadence=cfg.cadence, clock=cfg.clock)
        flash(views.change_message("Snoozed", change), "ok")
        return redirect(_back(url_for("today_page")))

    @post("/lead/<lead_id>/refer")
    def lead_refer(lead_id: str) -> Any:
        form = request.form
        result = crm.refer(
            store(),
            lead_id,
            name=form.get("name", ""),
            emails=[x for x in [form.get("email", "").strip()] if x],
            phones=[x for x in [form.get("phone", "").strip()] if x],
            company=form.get("company") or None,
            cadence=cfg.cadence,
            clock=cfg.clock,
        )
        referred = crm.get_lead(store(), result.lead_id or "")
        flash(f"Added {referred.name}: a task is due today.", "ok")
        return redirect(_back(url_for("today_page")))

    # ------------------------------------------------------------ leads

    @app.get("/leads")
    def leads_page() -> str:
        return render_template("leads.html", rows=views.lead_rows(store()))

    @app.get("/lead/<lead_id>")
    def lead_page(lead_id: str) -> str:
        detail = views.lead_detail(store(), lead_id, cfg.cadence, cfg.clock)
        return render_template("lead.html", d=detail, snooze_choices=SNOOZE_CHOICES)

    # ------------------------------------------------------------ review

    @app.get("/review")
    def review_page() -> str:
        return render_template("review.html", queue=views.review_queue(store()))
