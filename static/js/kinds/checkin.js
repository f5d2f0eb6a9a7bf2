// A check-in or check-out round (docs/activities/checkin.md) on the phone: the page's note
// form takes the one answer (the plug-in is `writable` until the person has answered) and
// this part says what the round asks and shows the answer given. The projector shows the
// answers with the page's own wall and words views; the console with its notes panel.
import { fill } from "../common.js";

const inRound = (w) => Boolean(w && w.status === "running" && w.stage && w.stage.kind === "checkin");

export function phone(ctx) {
  const t = ctx.t;
  const root = document.getElementById("checkin");
  let view = null;
  let mine = null; // this phone's answer: {id, text}, kept from the snapshot and its own notes
  return {
    snapshot(data) {
      view = data.checkin || null;
      mine = view && view.mine;
    },
    events: {
      // the server sends a phone its own notes as they are saved or removed
      note(data, w) {
        if (inRound(w) && data.note && data.note.stage === w.stage_index) mine = { id: data.note.id, text: data.note.text };
      },
      note_removed(data) {
        if (mine && mine.id === data.note_id) mine = null;
      },
    },
    writable(w) { return inRound(w) && !mine; },
    maxLength(w) { return inRound(w) && view ? view.max_length : undefined; },
    what(w) {
      if (!inRound(w) || !view) return undefined;
      return view.round === "out" ? t.checkin_what_out : t.checkin_what_in;
    },
    render(w) {
      const show = inRound(w) && Boolean(view);
      root.hidden = !show;
      if (!show) return;
      const box = root.querySelector(".checkin-mine");
      box.hidden = !mine;
      if (mine) box.textContent = fill(t.checkin_answered, { text: mine.text });
    },
  };
}
