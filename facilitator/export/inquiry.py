"""The harvest of an Appreciative Inquiry stage, as plain data every export format reads.

Only consented stories are here (an unconsented story is counted, never shown); hidden items
are left out. People are named as the stage showed them: their name, or "Participant 3" in an
anonymous stage or when they gave none.
"""

from __future__ import annotations

from typing import Any

from facilitator.core.state import WorkshopState


def harvest(state: WorkshopState, index: int) -> dict[str, Any] | None:
    """The stage's harvest, or None when the stage is not part of an inquiry."""
    from facilitator.activities.inquiry import (
        ai_define,
        ai_design,
        ai_destiny,
        ai_discover,
        ai_dream,
    )
    from facilitator.export.harvest import person_label

    stage = state.stages[index]

    def who(pid: str | None) -> str:
        return person_label(state, pid, stage.anonymous)

    if stage.kind == "ai_define":
        d = ai_define.get(state, index, ai_define.Define)
        return {"kind": stage.kind, "stage": index, "topic": ai_define.topic_of(state, index),
                "framings": [{"id": f.id, "text": f.text, "author": who(f.author),
                              "support": len(f.supporters), "adopted": f.id == d.topic_from}
                             for f in d.framings.values() if f.id not in d.hidden],
                "guide": [{"key": q["key"], "title": q["title"], "question": q["question"]}
                          for q in ai_define.guide(state, index)]}
    if stage.kind == "ai_discover":
        d = ai_discover.discover(state, index)
        shared = d.shared()
        core = ai_discover.positive_core(state, index)
        return {"kind": stage.kind, "stage": index, "closed": d.phase == "closed",
                "rounds": [[[who(p) for p in g] for g in p.groups] for p in d.pairings],
                "stories": [{"id": s.id, "round": s.round, "teller": who(s.teller),
                             "interviewer": who(s.interviewer), **s.fields,
                             "themes": [d.themes[k] for k in s.tags]} for s in shared],
                "unshared": len(d.stories) - len(shared),
                "themes": core["themes"], "words": core["words"]}
    if stage.kind == "ai_dream":
        dr = ai_dream.dream(state, index)
        dots = _dots(state, index)
        return {"kind": stage.kind, "stage": index,
                "propositions": [{"id": p.id, "text": p.text, "author": who(p.author),
                                  "stories": list(p.stories), "checks": list(p.checks),
                                  "ratings": ai_dream.rating_counts(p), "raters": len(p.ratings),
                                  "dots": dots.get(p.id)} for p in dr.visible()]}
    if stage.kind == "ai_design":
        de = ai_design.design(state, index)
        return {"kind": stage.kind, "stage": index,
                "propositions": [{**p, "statements": [
                    {"id": s.id, "aspect": s.aspect, "text": s.text, "author": who(s.author)}
                    for s in de.statements.values()
                    if s.proposition == p["id"] and s.id not in de.hidden]}
                    for p in ai_design.chosen(state, index)]}
    if stage.kind == "ai_destiny":
        ds = ai_destiny.destiny(state, index)
        return {"kind": stage.kind, "stage": index,
                "commitments": [{"id": c.id, "text": ai_destiny.commitment_text(c),
                                 "owner": who(c.author), "by_when": c.by_when,
                                 "with_whom": c.with_whom, "group": c.group,
                                 "private": c.private, "proposition": c.proposition}
                                for c in ds.commitments.values() if c.id not in ds.hidden],
                "teams": [{"proposition": p["id"], "text": p["text"],
                           "members": [who(m) for m in t.members],
                           "owner": who(t.owner) if t.owner else "",
                           "first_step": t.first_step, "by_when": t.by_when}
                          for p in ai_design.chosen(state, index)
                          for t in [ds.teams.get(p["id"], ai_destiny.Team())]],
                # offers and requests; a match only once both sides agreed, with who (never
                # a contact: those stay between the two)
                "offers": [{"id": o.id, "side": o.side, "text": o.text, "author": who(o.author)}
                           for o in ds.offers.values() if o.id not in ds.hidden],
                "matches": [{"id": mid, "offer": ds.offers[c.offer_id].text,
                             "request": ds.offers[c.wish_id].text, "why": c.explain(),
                             "people": [who(c.offer_owner), who(c.wish_owner)]}
                            for mid, c in ai_destiny.matches(state, index).items()
                            if ai_destiny.both_agreed(ds, mid, c)]}
    return None


def _dots(state: WorkshopState, index: int) -> dict[str, int]:
    """Dots each proposition of a Dream stage got in the first vote on it."""
    from facilitator.activities.vote import vote_source

    for i in range(index + 1, len(state.stages)):
        vote = state.votes.get(i)
        if state.stages[i].kind == "vote" and vote and vote_source(state, i) == index:
            return {r["id"]: r["count"] for r in vote.results()}
    return {}


def rows(data: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """Flat rows for the CSV: (type, id, who, text, themes or links)."""
    kind = data["kind"]
    out: list[tuple[str, str, str, str, str]] = []
    if kind == "ai_define":
        out.append(("topic", "", "", data["topic"], ""))
        out += [("framing", f["id"], f["author"], f["text"], f"support: {f['support']}")
                for f in data["framings"]]
    elif kind == "ai_discover":
        for s in data["stories"]:
            body = " | ".join(f"{k}: {s[k]}" for k in ("highlights", "quote", "life", "wishes")
                              if s.get(k))
            out.append(("story", s["id"], s["teller"], body, "; ".join(s["themes"])))
        out += [("theme", "", "", t["theme"], f"stories: {t['count']}") for t in data["themes"]]
    elif kind == "ai_dream":
        out += [("proposition", p["id"], p["author"], p["text"],
                 f"stories: {', '.join(p['stories'])}; dots: {p['dots'] or 0}")
                for p in data["propositions"]]
    elif kind == "ai_design":
        out += [("design", s["id"], s["author"], s["text"], f"{p['id']}: {s['aspect']}")
                for p in data["propositions"] for s in p["statements"]]
    elif kind == "ai_destiny":
        for c in data["commitments"]:
            extra = f" — by {c['by_when']}" + (f", with {c['with_whom']}" if c["with_whom"]
                                                else "")
            out.append(("commitment", c["id"], c["owner"], c["text"] + extra,
                        c["proposition"] or ""))
        out += [("team", t["proposition"], ", ".join(t["members"]), t["text"],
                 f"owner: {t['owner']}; first step: {t['first_step']} ({t['by_when']})")
                for t in data["teams"]]
        out += [(o["side"], o["id"], o["author"], o["text"], "")
                for o in data.get("offers", [])]
        out += [("match", m["id"], ", ".join(m["people"]), f"{m['offer']} ~ {m['request']}",
                 m["why"]) for m in data.get("matches", [])]
    return out


def sections(data: dict[str, Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Headed lists for the reports: (heading, [(text, detail)]), in reading order."""
    from facilitator.i18n import _, ngettext

    kind = data["kind"]
    out: list[tuple[str, list[tuple[str, str]]]] = []
    if kind == "ai_define":
        out.append((_("Affirmative topic"), [(data["topic"] or _("Not chosen."), "")]))
        out.append((_("Framings proposed"), [
            (f["text"], ngettext("%d supporter", "%d supporters", f["support"]) % f["support"]
             + (" · " + _("adopted") if f["adopted"] else "") + " · " + f["author"])
            for f in data["framings"]]))
        out.append((_("Interview guide"), [(q["question"], q["title"]) for q in data["guide"]]))
    elif kind == "ai_discover":
        out.append((_("Positive core"), [
            (t["theme"], ngettext("%d story", "%d stories", t["count"]) % t["count"]
             + "".join(f" · “{q}”" for q in t["quotes"])) for t in data["themes"]]))
        out.append((_("Shared stories"), [
            (" ".join(f"{s[k]}" for k in ("highlights", "quote", "life", "wishes") if s.get(k)),
             _("told by %(teller)s to %(by)s") % {"teller": s["teller"], "by": s["interviewer"]}
             + (" · " + ", ".join(s["themes"]) if s["themes"] else ""))
            for s in data["stories"]]))
        if data["unshared"]:
            n = data["unshared"]
            out.append((_("Stories kept in the pair"), [(ngettext(
                "%d story was not shared by its teller, so it is not in this report.",
                "%d stories were not shared by their tellers, so they are not in this report.",
                n) % n, "")]))
        out.append((_("Words used most"), [(w, str(c)) for w, c in data["words"]]))
    elif kind == "ai_dream":
        out.append((_("Provocative propositions"), [
            (p["text"], ngettext("%d dot", "%d dots", p["dots"] or 0) % (p["dots"] or 0)
             + " · " + ", ".join(f"{k} {v}" for k, v in p["ratings"].items())
             + " · " + _("stories: %s") % ", ".join(p["stories"]) + " · " + p["author"])
            for p in data["propositions"]]))
    elif kind == "ai_design":
        for p in data["propositions"]:
            out.append((p["text"], [(s["text"], f"{s['aspect']} · {s['author']}")
                                    for s in p["statements"]]))
    elif kind == "ai_destiny":
        out.append((_("Commitments"), [
            (c["text"], _("%(owner)s, by %(when)s") % {"owner": c["owner"],
                                                       "when": c["by_when"]}
             + (" · " + _("with %s") % c["with_whom"] if c["with_whom"] else "")
             + (" · " + _("private") if c["private"] else ""))
            for c in data["commitments"]]))
        out.append((_("Action teams"), [
            (t["text"], _("members: %s") % (", ".join(t["members"]) or "—")
             + (" · " + _("owner: %s") % t["owner"] if t["owner"] else "")
             + (" · " + _("first step: %(step)s (%(when)s)") % {"step": t["first_step"],
                                                                "when": t["by_when"]}
                if t["first_step"] else ""))
            for t in data["teams"]]))
        if data.get("offers"):
            out.append((_("Offers and requests"), [
                (o["text"], (_("offer") if o["side"] == "offer" else _("request"))
                 + " · " + o["author"]) for o in data["offers"]]))
        if data.get("matches"):
            out.append((_("Offers and requests that met (both agreed)"), [
                (_("“%(offer)s” meets “%(request)s”") % m, ", ".join(m["people"]))
                for m in data["matches"]]))
    return out


def redacted_events(state: WorkshopState, events: list[Any]) -> list[dict[str, Any]]:
    """The log as dicts, with the words of every story its teller did not share taken out,
    and every contact detail (asset map, Destiny's offers: meant for the other side of an
    agreed introduction only) emptied; the events stay, so the log's shape and sequence are
    kept."""
    from facilitator.activities.inquiry.ai_discover import Discover

    private = {(i, sid) for i, obj in state.inquiry.items() if isinstance(obj, Discover)
               for sid, s in obj.stories.items() if not s.consent}
    out = []
    for e in events:
        d = e.to_dict()
        if e.type == "ai_story_saved" and (e.data["stage"], e.data["story"]) in private:
            d["data"] = {**e.data, "fields": {}, "redacted": True}
        elif isinstance(e.data.get("contact"), str) and e.data["contact"]:
            d["data"] = {**e.data, "contact": "", "redacted": True}
        out.append(d)
    return out
