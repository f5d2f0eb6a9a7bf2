"""HTTP routes of the asset map: its exports on the console, and a person deleting their own
person-centred map from their phone."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, jsonify, request

from facilitator.core.state import replay
from facilitator.export.anonymise import anonymise
from facilitator.export.harvest import Harvest, filename
from facilitator.i18n import _
from facilitator.service import normalise_code
from facilitator.web import anonymised, service

bp = Blueprint("assets", __name__)

EXPORTS = {
    "assets.csv": ("text/csv; charset=utf-8", "attachment", "assets.csv"),
    "assets.json": ("application/json; charset=utf-8", "attachment", "assets.json"),
    "connections.csv": ("text/csv; charset=utf-8", "attachment", "connections.csv"),
    "asset-map.html": ("text/html; charset=utf-8", "inline", "asset-map.html"),
    "assets.geojson": ("application/geo+json; charset=utf-8", "attachment", "assets.geojson"),
}


@bp.get("/console/<key>/<any('assets.csv', 'assets.json', 'connections.csv', "
        "'asset-map.html', 'assets.geojson'):name>")
def export(key: str, name: str) -> Response:
    """The inventory (CSV, JSON, GeoJSON of the located assets), the confirmed connections
    (CSV) or the printable map."""
    from facilitator.export import asset_inventory as inv

    row = service().store.find(console_key=key)
    if row is None:
        abort(404)
    events = service().store.events(row.id)
    if anonymised():
        events = anonymise(events)
    state = replay(events)
    if not inv.has_map(state):
        abort(404)
    if name == "assets.csv":
        body = inv.inventory_csv(state)
    elif name == "assets.json":
        body = json.dumps(inv.inventory(state), ensure_ascii=False, indent=2) + "\n"
    elif name == "connections.csv":
        body = inv.connections_csv(state)
    elif name == "assets.geojson":
        body = json.dumps(inv.geojson(state), ensure_ascii=False, indent=2) + "\n"
    else:
        body = inv.map_html(Harvest.build(row, events))
    mimetype, disposition, suffix = EXPORTS[name]
    stem = filename(row, "x")[:-2]
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'{disposition}; filename="{stem}-{suffix}"',
        "Cache-Control": "no-store"})


@bp.post("/j/<code>/forget")
def forget(code: str) -> Any:
    """A person deletes their own person-centred map: the whole workshop, if they are the only
    person in it. The device token (sent in the body, never in the address) says who asks."""
    from facilitator.activities.asset_map import person_centred

    row = service().store.find(code=normalise_code(code))
    if row is None:
        return jsonify(ok=False, error=_("This map no longer exists.")), 404
    data = request.get_json(silent=True)
    token = data.get("token") if isinstance(data, dict) else None
    pid = service().participant_for_token(row.id, token)
    live = service().live(row.id)
    if pid is None or live is None:
        return jsonify(ok=False, error=_("This phone is not part of this map.")), 403
    with live.lock:
        if not person_centred(live.state):
            return jsonify(ok=False, error=_("Only a person-centred map can be deleted from a "
                                             "phone. Ask the facilitator.")), 403
        if len(live.state.participants) > 1:
            return jsonify(ok=False, error=_("Other people's entries are in this map too. Ask "
                                             "your practitioner to delete it.")), 403
    service().delete_workshop(row.id)
    return jsonify(ok=True)
