"""Asset-map exports: the shareable inventory (CSV and JSON, docs/assets.md's schema), the
confirmed connections, and the map as a printable page. Folds of the log, like every export.

What leaves the workshop: the inventory holds **public** community assets only, with
``owner`` set to null; personal entries (head, hands and heart) are never in it. The printable
map and the harvest show what the room saw (group and public entries, no names on items);
private entries appear nowhere. Confirmed connections name who follows them up (names, or
"Participant 3"), never contact details.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from facilitator.activities.asset_map import (
    CATEGORIES,
    agreed,
    asset_map,
    asset_text,
    kind_counts,
    live_gifts,
    owner_name,
    person_centred,
    suggestions,
    workshop_categories,
)
from facilitator.core.assets import KINDS, kind_label
from facilitator.core.plan import stage_option
from facilitator.core.state import WorkshopState
from facilitator.export.as_csv import defuse
from facilitator.export.harvest import Harvest, day, iso
from facilitator.i18n import _

FORMAT = "facilitator-asset-map"
VERSION = 1
INVENTORY_HEADER = ("id", "kind", "kind_label", "name", "aliases", "offers", "place", "lat",
                    "lon", "access", "visibility", "created", "merged_from")
CONNECTIONS_HEADER = ("connection", "offer", "offer_kind", "wish", "why", "followed_up_by",
                      "score")


def has_map(state: WorkshopState) -> bool:
    return any(s.kind == "assets" for s in state.stages)


def public_assets(state: WorkshopState) -> list[dict[str, Any]]:
    """The public community assets as shareable records, by kind (the six kinds' order)."""
    order = {k: i for i, k in enumerate(KINDS)}
    records = [a for a in asset_map(state).assets if a.visibility == "public"]
    records.sort(key=lambda a: order[a.kind])  # stable: within a kind, as they were added
    return [{**a.to_dict(), "owner": None} for a in records]


def inventory(state: WorkshopState) -> dict[str, Any]:
    """The shareable map: ``{"format", "version", "purpose", "assets": [...]}``."""
    return {"format": FORMAT, "version": VERSION, "purpose": asset_map(state).purpose,
            "assets": public_assets(state)}


def inventory_csv(state: WorkshopState) -> str:
    """One row per public community asset, by kind; lists joined with "; "."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(INVENTORY_HEADER)
    for r in public_assets(state):
        place = (r.get("places") or [{}])[0]
        writer.writerow([r["id"], r["kind"], kind_label(r["kind"]), defuse(r["name"]),
                         defuse("; ".join(r.get("aliases", []))),
                         defuse("; ".join(r.get("offers", []))),
                         defuse(place.get("label", "")), place.get("lat", ""),
                         place.get("lon", ""), defuse(r.get("access", "")), r["visibility"],
                         iso(r["created"]), "; ".join(r.get("merged_from", []))])
    return out.getvalue()


def geojson(state: WorkshopState) -> dict[str, Any]:
    """The public community assets that have coordinates, as a GeoJSON FeatureCollection
    (RFC 7946: WGS 84, each position [longitude, latitude], no ``crs`` member). One Point
    feature per located place; an asset placed only in words is in the CSV and JSON, not here.
    """
    features = []
    for r in public_assets(state):
        for i, place in enumerate(r.get("places", [])):
            if "lat" not in place:
                continue
            props: dict[str, Any] = {"asset": r["id"], "kind": r["kind"],
                                     "kind_label": kind_label(r["kind"]), "name": r["name"],
                                     "aliases": r.get("aliases", []),
                                     "offers": r.get("offers", []),
                                     "place": place.get("label", ""),
                                     "access": r.get("access", "")}
            features.append({"type": "Feature", "id": f"{r['id']}-{i + 1}",
                             "geometry": {"type": "Point",
                                          "coordinates": [place["lon"], place["lat"]]},
                             "properties": props})
    return {"type": "FeatureCollection", "features": features}


def places(state: WorkshopState) -> list[dict[str, Any]]:
    """Every place the room gave its public and group assets, in words (and whether it is
    on the GeoJSON map), by kind: what the printable map lists."""
    order = {k: i for i, k in enumerate(KINDS)}
    shown = sorted((a for a in asset_map(state).assets if a.visibility != "private"),
                   key=lambda a: order[a.kind])
    out = []
    for a in shown:
        for p in a.places:
            out.append({"name": a.name, "kind": kind_label(a.kind), "place": p.label,
                        "located": p.lat is not None and a.visibility == "public",
                        "lat": p.lat if a.visibility == "public" else None,
                        "lon": p.lon if a.visibility == "public" else None,
                        "access": a.access})
    return out


def _label(state: WorkshopState, owner: str) -> str:
    name = owner_name(state, owner)
    if name:
        return name
    if owner.startswith("v"):
        return _("Interviewee %s") % owner[1:]
    return _("Participant %s") % owner.lstrip("p")


def confirmed(state: WorkshopState) -> list[dict[str, Any]]:
    """Connections every side agreed to follow up, with who follows up (no contact details)."""
    m = asset_map(state)
    out = []
    for cid, c in suggestions(state).items():
        if not agreed(state, cid, c) or not m.follows.get(cid):
            continue
        offer = m.gifts.get(c.offer_id)
        asset = m.asset(c.offer_id)
        out.append({
            "connection": cid,
            "offer": offer.text if offer else asset_text(asset) if asset else "",
            "offer_kind": offer.category if offer else asset.kind if asset else "",
            "wish": m.gifts[c.wish_id].text, "why": c.explain(), "score": c.score,
            "followed_up_by": [_label(state, o) for o in sorted(m.follows[cid])]})
    return out


def connections_csv(state: WorkshopState) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CONNECTIONS_HEADER)
    for row in confirmed(state):
        writer.writerow([row["connection"], defuse(row["offer"]), row["offer_kind"],
                         defuse(row["wish"]), defuse(row["why"]),
                         defuse("; ".join(row["followed_up_by"])), row["score"]])
    return out.getvalue()


def summary(state: WorkshopState) -> dict[str, Any]:
    """What the room saw of the map (group and public entries, no names): the personal
    categories and the six kinds with counts and items, thin kinds, confirmed connections."""
    from facilitator.activities.asset_map import gift_line

    m = asset_map(state)
    gifts = [g for g in live_gifts(state) if g.visibility != "private"]
    thin_at = next((stage_option(s, "thin") for s in state.stages if s.kind == "assets"
                    and stage_option(s, "step") == "map"), 1)
    counts = kind_counts(state)
    return {
        "purpose": m.purpose,
        "person_centred": person_centred(state),
        "personal": [{"key": k, "label": CATEGORIES[k].label,
                      "items": [gift_line(g) for g in gifts if g.category == k]}
                     for k in workshop_categories(state)],
        "kinds": [{"key": k.key, "label": k.label, "count": counts[k.key],
                   "thin": counts[k.key] <= thin_at,
                   "items": [{"name": a.name, "aliases": list(a.aliases),
                              "offers": list(a.offers),
                              "place": a.places[0].label if a.places else "",
                              "access": a.access}
                             for a in m.assets if a.kind == k.key and a.visibility != "private"]}
                  for k in KINDS.values()],
        "connections": confirmed(state),
        "places": places(state),
    }


def map_html(harvest: Harvest) -> str:
    """The map as one printable page (templates/asset_map.html; no scripts, no links out)."""
    from facilitator.export.as_html import environment

    return environment().get_template("asset_map.html").render(
        title=harvest.title, date=day(harvest.created_at), code=harvest.code,
        map=summary(harvest.state))
