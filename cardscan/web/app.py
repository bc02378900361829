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

from flask import (
    Flask,
    Response,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import HTTPException

from .. import crm, crm_review
from ..errors import CardscanError, InvalidValueError, StoreError
from ..followup.cadence import Cadence
from ..followup.calendar import Clock
from ..profile import load_profile
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
        return security.with_headers(resp)

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
    from .feed import add_feed_route  # deferred: feed imports WebConfig from here

    add_feed_route(app, config)
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


def _form_date(text: str, what: str) -> dt.date | None:
    """A date typed in a form (YYYY-MM-DD), None when empty."""
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidValueError(f"the {what} {text!r} is not a date (YYYY-MM-DD)") from None


def _to_next(next_id: str | None, done_id: str) -> Any:
    """After an approval: the next card of the queue, or the queue when it is empty."""
    if next_id and next_id != done_id:
        return redirect(url_for("review_item", lead_id=next_id))
    return redirect(url_for("review_page"))


def _draft_answer(draft: crm_review.Draft, message: str) -> Any:
    """A fetch (Accept: application/json) gets the draft as stored and its new
    mailto: link; a plain form post goes back to the task with a message."""
    if request.accept_mimetypes.best == "application/json":
        return jsonify(subject=draft.subject, body=draft.body, mailto=draft.mailto,
                       edited=draft.edited)
    flash(message, "ok")
    return redirect(_back(url_for("today_page")) + f"#task-{draft.task.id}")


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
        unsigned = load_profile().is_empty() and not cfg.cadence.me.get("my_name")
        return render_template(
            "today.html", groups=groups, snooze_choices=SNOOZE_CHOICES, unsigned=unsigned
        )

    @post("/task/<task_id>/draft")
    def task_draft(task_id: str) -> Any:
        """Keep the draft as edited on the page (subject, body) for this task."""
        subject = request.form.get("subject")
        if subject is None:  # a call's notes: no subject field on the page
            subject = crm_review.render_task(store(), task_id, cadence=cfg.cadence).subject
        draft = crm_review.edit_draft(
            store(), task_id, subject=subject, body=request.form.get("body", ""),
            cadence=cfg.cadence, clock=cfg.clock,
        )
        return _draft_answer(draft, "Draft saved: it is used for this follow-up.")

    @post("/task/<task_id>/draft/reset")
    def task_draft_reset(task_id: str) -> Any:
        draft = crm_review.reset_draft(store(), task_id, cadence=cfg.cadence, clock=cfg.clock)
        return _draft_answer(draft, "Draft reset to the template.")

    @post("/task/<task_id>/done")
    def task_done(task_id: str) -> Any:
        if request.form.get("meeting", "").strip():  # Enter in the date field: not a plain done
            raise InvalidValueError("a meeting date goes with 'booked': click booked to book it")
        change = crm.done(
            store(),
            task_id,
            note=request.form.get("note"),
            cadence=cfg.cadence,
            clock=cfg.clock,
        )
        flash(views.change_message("Done", change), "ok")
        return redirect(_back(url_for("today_page")))

    @post("/task/<task_id>/outcome")
    def task_outcome(task_id: str) -> Any:
        """Done with what happened: the same library call as `cardscan done --outcome`."""
        task = crm.get_task(store(), task_id)
        outcome = request.form.get("outcome", "")
        branch = cfg.cadence.branch(task.step, outcome)
        meeting = None
        if branch is not None and branch.meeting:  # the date input counts for booked only
            meeting = _form_date(request.form.get("meeting", ""), "meeting date")
        change = crm.done(
            store(),
            task.id,
            note=request.form.get("note"),
            outcome=outcome,
            meeting=meeting,
            cadence=cfg.cadence,
            clock=cfg.clock,
        )
        lead = crm.get_lead(store(), task.lead_id)
        flash(views.outcome_message(change, lead), "ok")
        return redirect(_back(url_for("today_page")))

    @app.get("/report")
    def report_page() -> str:
        from .. import report

        funnels = report.funnel(store(), cadence=cfg.cadence, clock=cfg.clock)
        return render_template("report.html", funnels=funnels)

    @app.get("/report.png")
    def report_chart() -> Response:
        """The funnel chart, drawn from the store for this request (no file, no path)."""
        from .. import report

        funnels = report.funnel(store(), cadence=cfg.cadence, clock=cfg.clock)
        resp = Response(report.chart_png(funnels), mimetype="image/png")
        resp.headers["Cache-Control"] = "no-store"
        return resp

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
        detail = crm_review.lead_detail(store(), lead_id, cadence=cfg.cadence)
        referred_by = detail.lead.referred_by
        return render_template(
            "lead.html",
            d=detail,
            referrer=store().get_lead(referred_by) if referred_by else None,
            drafts=views.lead_drafts(detail, today()),
            snooze_choices=SNOOZE_CHOICES,
            stages=store().stage_history(detail.lead.id),
        )

    @app.get("/lead/<lead_id>/card.jpg")
    def card_image(lead_id: str) -> Response:
        """The card as scanned: bytes from the store, found by lead id only."""
        data = crm_review.card_image(store(), lead_id)
        if data is None:
            abort(404, "no card image is kept for this lead")
        return Response(data, mimetype="image/jpeg")

    @post("/lead/<lead_id>/note")
    def lead_note(lead_id: str) -> Any:
        crm_review.add_note(
            store(), lead_id, request.form.get("text", ""), cadence=cfg.cadence, clock=cfg.clock
        )
        flash("Note added.", "ok")
        return redirect(_back(url_for("lead_page", lead_id=lead_id)))

    @post("/lead/<lead_id>/delete")
    def lead_delete(lead_id: str) -> Any:
        nxt = views.next_in_queue(store(), store().resolve_lead_id(lead_id))
        lead = crm_review.delete_lead(store(), lead_id, clock=cfg.clock)
        flash(f"Deleted {lead.name or lead.id[:8]}; its page can restore it.", "ok")
        return redirect(url_for("review_item", lead_id=nxt) if nxt else url_for("review_page"))

    @post("/lead/<lead_id>/restore")
    def lead_restore(lead_id: str) -> Any:
        lead = crm_review.restore_lead(store(), lead_id, clock=cfg.clock)
        flash(f"Restored {lead.name or lead.id[:8]}.", "ok")
        return redirect(url_for("lead_page", lead_id=lead.id))

    # ------------------------------------------------------------ review

    @app.get("/review")
    def review_page() -> Any:
        queue = crm_review.review_queue(store())
        if queue and "list" not in request.args:
            return redirect(url_for("review_item", lead_id=queue[0].lead.id))
        return render_template("review_list.html", queue=queue)

    @app.get("/review/<lead_id>")
    def review_item(lead_id: str) -> Any:
        page = views.review_page(store(), lead_id, cfg.cadence)
        lead = page.detail.lead
        if lead.deleted_at is not None:  # merged or deleted: its page says which, and restores
            return redirect(url_for("lead_page", lead_id=lead.id))
        return render_template("review.html", p=page)

    @post("/lead/<lead_id>/edit")
    def lead_edit(lead_id: str) -> Any:
        """Save the form; with then=approve (Shift+Enter) approve it too and go on."""
        lead = crm.get_lead(store(), lead_id)
        form = request.form.to_dict(flat=False)
        nxt = views.next_in_queue(store(), lead.id)
        try:
            result = crm_review.edit_lead(
                store(), lead.id, cadence=cfg.cadence, clock=cfg.clock,
                **views.edit_arguments(lead, form),  # type: ignore[arg-type]
            )
        except InvalidValueError as exc:
            page = views.review_page(store(), lead.id, cfg.cadence, submitted=form)
            return render_template("review.html", p=page, error=str(exc)), 422
        changed = ", ".join(f.replace("_", " ") for f in result.changed)
        saved = f"Saved: {changed}." if changed else "Nothing changed."
        if request.form.get("then") != "approve":
            flash(saved, "ok")
            return redirect(url_for("review_item", lead_id=lead.id))
        crm_review.approve(store(), lead.id, clock=cfg.clock)
        flash(f"{saved} Approved {lead.name or lead.id[:8]}.", "ok")
        return _to_next(nxt, lead.id)

    @post("/lead/<lead_id>/approve")
    def lead_approve(lead_id: str) -> Any:
        lead = crm.get_lead(store(), lead_id)
        nxt = views.next_in_queue(store(), lead.id)
        crm_review.approve(store(), lead.id, clock=cfg.clock)
        flash(f"Approved {lead.name or lead.id[:8]}.", "ok")
        return _to_next(nxt, lead.id)

    @post("/merge")
    def merge() -> Any:
        keep = request.form.get("keep", "")
        other = request.form.get("other", "")
        merged = crm_review.merge_leads(
            store(), keep, other, cadence=cfg.cadence, clock=cfg.clock
        )
        flash(f"Merged into {merged.name or merged.id[:8]}; the other plan is cancelled.", "ok")
        return redirect(url_for("review_item", lead_id=merged.id))
