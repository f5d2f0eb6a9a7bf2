"""HTTP routes: create, join, the screen and console pages, export, and the JSON API."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import qrcode
import qrcode.image.svg
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from facilitator import i18n
from facilitator.core.errors import PlanError
from facilitator.core.plan import Plan, kind_name, load_plan, parse_plan, resolve_text
from facilitator.i18n import _
from facilitator.service import Service, normalise_code
from facilitator.store import WorkshopRow
from facilitator.web import passphrase
from facilitator.web.language import for_person, form_text, plan_languages, speak

bp = Blueprint("web", __name__)


@bp.app_context_processor
def activity_kinds() -> dict[str, Any]:
    """Activity kinds with page parts: templates/kinds/<kind>/{phone,screen,console}.html."""
    from facilitator.activities import KINDS

    root = Path(current_app.root_path).parent / "templates" / "kinds"
    return {"page_kinds": [k for k in KINDS if (root / k).is_dir()]}


def service() -> Service:
    return current_app.extensions["facilitator"]


def base_url() -> str:
    return (current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")


def links(row: WorkshopRow, base: str | None = None) -> dict[str, str]:
    """The three links of a workshop: join (phones), projector (screen), console (secret)."""
    base = base or base_url()
    return {"join_url": f"{base}/j/{row.code}",
            "projector_url": f"{base}/screen/{row.screen_key}",
            "console_url": f"{base}/console/{row.console_key}"}


def qr_svg(data: str) -> str:
    """A QR code as SVG text (drawn by the qrcode library)."""
    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M,
                       image_factory=qrcode.image.svg.SvgPathFillImage)
    qr.add_data(data)
    qr.make(fit=True)
    return qr.make_image().to_string(encoding="unicode")


def session_plans() -> list[dict[str, Any]]:
    """The ready plans in the sessions folder, with their titles; broken ones are reported."""
    out = []
    for path in sorted(Path(current_app.config["SESSIONS_DIR"]).glob("*.yaml")):
        try:
            plan = parse_plan(path.read_bytes()).in_language(i18n.current())
            out.append({"name": path.stem, "title": plan.title, "description": plan.description,
                        "stages": len(plan.stages)})
        except PlanError as exc:
            out.append({"name": path.stem, "title": path.stem, "error": exc.message})
    return out


def message(title: str, text: str, status: int) -> tuple[str, int]:
    return render_template("message.html", title=title, text=text), status


# -- create ----------------------------------------------------------------------------------

def stage_forms(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Each stage of a plan (as plain data) with its options as form fields and its warnings,
    for the review page."""
    from facilitator.activities import KINDS

    out = []
    langs = plan_languages(data)
    for stage in data.get("stages", []):
        if not isinstance(stage, dict):
            continue
        module = KINDS.get(stage.get("kind", ""))
        options = stage.get("options") if isinstance(stage.get("options"), dict) else {}
        fields = []
        for name, spec in (module.OPTIONS.items() if module else ()):
            value = options.get(name, spec.default)
            if spec.type is list:
                def lines(v: Any) -> Any:
                    return "\n".join(str(x) for x in v) if isinstance(v, list) else v
                if isinstance(value, list) and any(isinstance(v, dict) for v in value):
                    value = {c: [resolve_text(v, c, langs) for v in value] for c in langs}
                value = ({c: lines(v) for c, v in value.items()} if isinstance(value, dict)
                         else lines(value))
            fields.append({"name": name, "type": spec.type.__name__, "value": value,
                           "min": spec.minimum, "max": spec.maximum,
                           "choices": spec.choices, "help": spec.help})
        warnings: list[str] = []
        if module and hasattr(module, "warnings"):
            valid = {}  # warn about the options that are right, even if another is wrong
            for name, value in options.items():
                try:
                    valid[name] = module.OPTIONS[name].check(value, name)
                except (PlanError, KeyError):
                    pass
            try:
                checked = load_plan({"title": "x", "stages": [{**stage, "options": valid}]})
                warnings = module.warnings(checked.stages[0])
            except PlanError:
                pass
        duration = stage.get("duration")
        minutes = ""
        if isinstance(duration, str) and duration.endswith("s") and duration[:-1].isdigit():
            minutes = f"{int(duration[:-1]) / 60:g}"
        elif isinstance(duration, int | float):
            minutes = f"{duration:g}"
        out.append({**stage, "fields": fields, "warnings": warnings, "minutes": minutes,
                    "kind_name": kind_name(str(stage.get("kind", "")))})
    return out


def _apply_form(data: dict[str, Any]) -> None:
    """Copy the review page's edits (titles, prompts, minutes, options) into the plan data."""
    from facilitator.activities import KINDS

    form = request.form
    langs = plan_languages(data)  # the order the page showed the languages' inputs in
    chosen = [c for c in (form.get("language"), form.get("language2")) if i18n.is_shipped(c)]
    if chosen:  # the workshop's language, and a bilingual projector's second
        data["languages"] = list(dict.fromkeys(chosen))
    data["title"] = form_text(form, "title", data.get("title", ""), langs)
    data["purpose"] = form_text(form, "purpose", data.get("purpose", ""), langs)
    if not data["purpose"]:
        del data["purpose"]
    for i, stage in enumerate(data["stages"]):
        if not isinstance(stage, dict):
            continue
        for key in ("title", "prompt"):
            stage[key] = form_text(form, f"stage-{i}-{key}", stage.get(key, ""), langs)
            if key == "title" and not stage[key]:
                del stage[key]
        if f"stage-{i}-minutes" in form:
            minutes = form[f"stage-{i}-minutes"].strip()
            try:
                stage["duration"] = float(minutes) if minutes else None
            except ValueError:
                stage["duration"] = minutes  # load_plan says what is wrong with it
            if stage["duration"] is None:
                del stage["duration"]
        module = KINDS.get(stage.get("kind", ""))
        if module is None or f"stage-{i}-options" not in form:
            continue
        options = dict(stage.get("options") or {})
        for name, spec in module.OPTIONS.items():
            key = f"stage-{i}-opt-{name}"
            if spec.type is bool:
                options[name] = key in form
            elif key not in form:
                continue
            elif spec.type is int:
                try:
                    options[name] = int(form[key])
                except ValueError:
                    options[name] = form[key]  # refused by load_plan, naming the field
            elif spec.type is list:
                def split(text: str) -> list[str]:
                    return [line.strip() for line in text.splitlines() if line.strip()]
                options[name] = form_text(form, key, options.get(name, spec.default), langs,
                                          split)
            else:
                options[name] = form_text(form, key, options.get(name, spec.default), langs)
            if options[name] == spec.default:
                del options[name]
        stage["options"] = options


@bp.app_context_processor
def shared_server() -> dict[str, Any]:
    """For the templates: whether creating needs the server's passphrase, and whether this
    browser gave it (functions, so that pages which do not ask never read the session)."""
    return {"passphrase_required": passphrase.required,
            "passphrase_known": passphrase.signed_in}


def opened_by_form() -> passphrase.Refusal | None:
    """None when this browser may create: no passphrase is set, it gave it earlier in its
    session, or the form's ``passphrase`` field is right (then it is remembered)."""
    if passphrase.signed_in():
        return None
    refusal = passphrase.check(request.form.get("passphrase"))
    if refusal is None:
        passphrase.sign_in()
    return refusal


def create_page(error: str | None = None, status: int = 200,
                refusal: passphrase.Refusal | None = None) -> tuple[str, int, dict[str, str]]:
    return (render_template("create.html", plans=session_plans(), error=error,
                            passphrase_error=refusal.error if refusal else None,
                            chosen=request.form.get("plan")),
            refusal.status() if refusal else status, refusal.headers() if refusal else {})


@bp.get("/")
def index() -> Any:
    return create_page()


@bp.post("/create/review")
def review() -> Any:
    """Step 2 of creating: the chosen or uploaded plan, with its title and prompts editable."""
    if refusal := opened_by_form():
        return create_page(refusal=refusal)
    try:
        plan = _chosen_plan()
    except PlanError as exc:
        return create_page(exc.message, 400)
    data = plan.to_dict()
    return render_template("review.html", plan=plan, plan_json=json.dumps(data),
                           stages=stage_forms(data), error=None)


def _chosen_plan() -> Plan:
    upload = request.files.get("plan_file")
    if upload and upload.filename:
        return parse_plan(upload.read(current_app.config["MAX_UPLOAD_BYTES"] + 1))
    name = request.form.get("plan", "")
    for plan in session_plans():
        if plan["name"] == name:
            path = Path(current_app.config["SESSIONS_DIR"]) / f"{name}.yaml"
            return parse_plan(path.read_bytes())
    raise PlanError("plan", _("choose one of the ready plans, or upload a plan file."))


@bp.post("/create")
def create() -> Any:
    """Create the workshop from the reviewed plan and open its console."""
    try:
        data = json.loads(request.form.get("plan_json", ""))
        if not isinstance(data, dict) or not isinstance(data.get("stages"), list):
            raise ValueError
    except ValueError:
        return message(_("Something went wrong"),
                       _("The plan was lost on the way. Please start again."), 400)
    _apply_form(data)
    if refusal := opened_by_form():
        # asked again on the review page (a browser that keeps no cookies, or a passphrase
        # changed meanwhile): the edits are kept
        return (render_template("review.html", plan=None, plan_json=json.dumps(data),
                                raw=data, stages=stage_forms(data), error=None,
                                passphrase_error=refusal.error),
                refusal.status(), refusal.headers())
    try:
        plan = load_plan(data)
    except PlanError as exc:
        return render_template("review.html", plan=None, plan_json=json.dumps(data),
                               raw=data, stages=stage_forms(data), error=exc.message), 400
    row = service().create_workshop(with_default_language(plan))
    return redirect(url_for("web.console", key=row.console_key))


def with_default_language(plan: Plan) -> Plan:
    """A plan that names no ``languages`` is run in its creator's language: the projector's,
    every phone's default, and the one its texts fall back to (then the plan's first)."""
    if plan.languages:
        return plan
    return plan.with_languages([i18n.current()])


@bp.post("/api/workshops")
def api_create() -> Any:
    """Create a workshop from a plan given as JSON (or YAML text); returns its links. On a
    shared server the call gives the passphrase (``Authorization: Bearer <passphrase>``)."""
    if passphrase.required() and (refusal := passphrase.check(passphrase.from_headers())):
        request.get_data(cache=False)  # read the plan (within MAX_CONTENT_LENGTH): a client
        # still sending it would meet a closed socket instead of the sentence
        return (jsonify(ok=False, error=refusal.error, retry_after=refusal.retry_after),
                refusal.status(api=True), refusal.headers(api=True))
    if request.is_json:
        data = request.get_json(silent=True)
        if isinstance(data, dict) and "plan" in data and "stages" not in data:
            data = data["plan"]
        try:
            plan = load_plan(data)
        except PlanError as exc:
            return jsonify(ok=False, error=exc.message, field=exc.field), 400
    else:
        try:
            plan = parse_plan(request.get_data(cache=False))
        except PlanError as exc:
            return jsonify(ok=False, error=exc.message, field=exc.field), 400
    row = service().create_workshop(with_default_language(plan))
    return jsonify(ok=True, code=row.code, screen_key=row.screen_key,
                   console_key=row.console_key, **links(row)), 201


@bp.post("/passphrase/forget")
def forget_passphrase() -> Any:
    """Sign this browser out: the next workshop it creates asks for the passphrase again.
    Back to the page it came from (a path on this server), else the home page."""
    passphrase.sign_out()
    back = request.form.get("next", "")
    if not re.fullmatch(r"/(?!/)[A-Za-z0-9_./-]*", back):  # never another site
        back = url_for("web.index")
    return redirect(back)


# -- join ------------------------------------------------------------------------------------

@bp.get("/join")
def join_form() -> Any:
    code = request.args.get("code")
    if code:
        return redirect(url_for("web.phone", code=normalise_code(code)))
    return render_template("join.html", code="", error=None)


@bp.get("/j/<code>")
def phone(code: str, table: int | None = None) -> Any:
    clean = normalise_code(code)
    row = service().store.find(code=clean)
    if row is None:
        return render_template("join.html", code=clean, error=_(
            "There is no workshop with the code %s. Check the code on the screen and try "
            "again.") % clean), 404
    live = service().live(row.id)
    for_person(workshop_languages(live)[0])
    if live and live.state.status == "ended":
        return message(_("This workshop has ended"),
                       _("Thank you for taking part. The facilitator will share the harvest."),
                       410)
    plan = live.state.plan if live else None
    return render_template("phone.html", row=in_language(row, live),
                           purpose=plan.purpose if plan else "", table=table)


@bp.get("/j/<code>/table/<int:number>")
def phone_at_table(code: str, number: int) -> Any:
    """A café table's QR code (its table tent): the phone page, which joins as ``/j/<code>``
    does (a device that joined keeps its identity) and then asks to sit at table ``number``
    (from 1; the page says so if there is no such table)."""
    return phone(code, table=number)


# -- photos ----------------------------------------------------------------------------------

@bp.post("/photos/<code>")
def upload_photo(code: str) -> Any:
    """A phone sends a photo of its table's tablecloth (multipart: ``photo``, ``token``,
    ``client_id``). The photo is cleaned (no metadata, upright, at most 1600 px) and stored
    before the ``cafe_photo`` action records it; the answer is the action's ack as JSON."""
    from facilitator.core.commands import PARTICIPANT, Actor
    from facilitator.core.errors import DomainError
    from facilitator.photos import MAX_BYTES, clean, drain
    from facilitator.realtime.limits import rates

    if (request.content_length or 0) > current_app.config["MAX_CONTENT_LENGTH"]:
        # read the body (within a bound) before answering: an HTTP client still sending
        # would otherwise meet a closed socket, not this sentence
        drain(request.environ["wsgi.input"], request.content_length or 0)
        return jsonify(ok=False, error=_("That photo is too large (at most %d MB).")
                       % (MAX_BYTES >> 20)), 413
    row = service().store.find(code=normalise_code(code))
    if row is None:
        return jsonify(ok=False, error=_("This workshop no longer exists.")), 404
    pid = service().participant_for_token(row.id, request.form.get("token"))
    if pid is None:
        return jsonify(ok=False, error=_("Please join the workshop first.")), 403
    wait = current_app.extensions["facilitator.limits"].take(
        f"photo:{row.id}:{pid}", rates(current_app.config)["photo"])
    if wait:
        return jsonify(ok=False, retry_after=round(wait + 0.05, 1), error=_(
            "You are sending photos very fast. Please wait a moment and try again.")), 429
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        return jsonify(ok=False, error=_("Choose a photo first.")), 400
    try:
        photo = clean(upload.read(MAX_BYTES + 1))
    except DomainError as exc:
        return jsonify(ok=False, error=exc.message), 400
    service().store.put_file(row.id, photo.id, "image/jpeg", photo.data)
    # decided (by the workshop's owner process, if its phones are spread) and emitted to each
    # room in its language
    ack = current_app.extensions["facilitator.command"](
        row.id, Actor(PARTICIPANT, pid), "cafe_photo",
        {"photo": photo.id, "width": photo.width, "height": photo.height},
        request.form.get("client_id") or None, i18n.current())
    return jsonify(ack), 200 if ack["ok"] else 400


@bp.get("/photos/<code>/<photo_id>.jpg")
def photo(code: str, photo_id: str) -> Response:
    """A stored photo. Its id (from the photo's content, 120 bits) is only given to the
    people who may see it: its table, the console, and the room at the harvest."""
    row = _row(code=normalise_code(code))
    found = service().store.get_file(row.id, photo_id) if len(photo_id) <= 40 else None
    if found is None:
        abort(404)
    mime, data = found
    return Response(data, mimetype=mime, headers={
        "Cache-Control": "private, max-age=86400", "Content-Security-Policy": "sandbox"})


# -- screen and console ----------------------------------------------------------------------

def in_language(row: WorkshopRow, live: Any) -> WorkshopRow:
    """The row with its title in the language being produced (the plan's, per language)."""
    plan = live.state.plan if live else None
    return replace(row, title=plan.title) if plan and plan.title else row


def workshop_languages(live: Any) -> tuple[str, ...]:
    """The workshop's language(s): the projector's, and every person's default."""
    source = live.state.plan_source if live else None
    return source.workshop_languages if source else (i18n.SOURCE,)


def _row(**key: str) -> WorkshopRow:
    row = service().store.find(**key)
    if row is None:
        abort(404)
    return row


@bp.get("/screen/<key>")
def screen(key: str) -> str:
    row = _row(screen_key=key)
    langs = workshop_languages(service().live(row.id))
    # the projector speaks the workshop's language; a bilingual plan's second language
    # comes as a second dictionary of the screen's own words (templates/screen.html)
    second = langs[1] if len(langs) > 1 else None
    speak(langs[0])
    return render_template("screen.html", row=in_language(row, service().live(row.id)),
                           links=links(row), second_language=second)


@bp.get("/screen/<key>/qr.svg")
def screen_qr(key: str) -> Response:
    row = _row(screen_key=key)
    return Response(qr_svg(links(row)["join_url"]), mimetype="image/svg+xml",
                    headers={"Cache-Control": "no-store"})


@bp.get("/console/<key>")
def console(key: str) -> str:
    import math

    row = _row(console_key=key)
    live = service().live(row.id)
    for_person(workshop_languages(live)[0])
    days = current_app.config.get("RETENTION_DAYS")
    return render_template("console.html", row=in_language(row, live), links=links(row),
                           retention_days=math.ceil(float(days)) if days else None)


def anonymised() -> bool:
    """Whether an export asks for names replaced by labels (``?anonymise=1``)."""
    return request.args.get("anonymise", "").lower() in ("1", "true", "yes", "on")


@bp.get("/console/<key>/export.<fmt>")
def export(key: str, fmt: str) -> Response:
    from facilitator.export import FORMATS, render

    row = _row(console_key=key)
    if fmt not in FORMATS:
        abort(404)
    for_person(workshop_languages(service().live(row.id))[0])  # the facilitator's language
    out = render(fmt, row, service().store.events(row.id),
                 lambda file_id: service().store.get_file(row.id, file_id),
                 anonymised=anonymised())
    disposition = "inline" if fmt == "html" else "attachment"
    return Response(out.body, mimetype=out.mimetype,
                    headers={"Content-Disposition": f'{disposition}; filename="{out.filename}"'})


@bp.post("/console/<key>/delete")
def delete(key: str) -> Any:
    row = _row(console_key=key)
    if request.form.get("confirm_code", "").strip().upper() != row.code:
        return message(_("Not deleted"), _("To delete, type the join code exactly."), 400)
    service().delete_workshop(row.id)
    return message(_("Workshop deleted"),
                   _("The workshop and everything in it have been deleted."), 200)


@bp.get("/healthz")
def healthz() -> Any:
    """For a proxy or a monitor: this process answers. With Redis, also which process it is,
    how many commands it forwarded to their workshops' owners or decided for others, and how
    many batches it wrote without the lock, under it, or had refused by the log."""
    owners = current_app.extensions.get("facilitator.owners")
    if owners is None:
        return jsonify(ok=True)
    return jsonify(ok=True, process=owners.process_id, forwarded=owners.forwarded,
                   decided_for_others=owners.decided_for_others, batches=service().counts)


@bp.app_errorhandler(404)
def not_found(_error: Exception) -> Any:
    return message(_("Page not found"),
                   _("This link does not lead anywhere. Check it, or ask the facilitator."), 404)


@bp.app_errorhandler(413)
def too_large(_error: Exception) -> Any:
    if request.path.startswith("/photos/"):
        return jsonify(ok=False, error=_("That photo is too large (at most 8 MB).")), 413
    return message(_("Too large"), _("That file is too large (at most 100 KB)."), 413)
