// The stage timer, counted down on the server's clock (screen, phones and console).
//
// The server sends `workshop.timer` and `now` (its clock). At receipt we keep
// offset = now - Date.now()/1000, so the time left is ends_at - (Date.now()/1000 + offset):
// every page shows the same countdown whatever its own clock says, also after a reconnect.
// The digits are not a live region (that would announce every second); a separate polite
// region says the minutes, the last ten seconds and "time is up". A timer that has not started
// says so in words before its length ("Timer not started: 05:00"), never a bare "Ready".
import { fill, plural } from "./common.js";

function ownStrings() {
  const box = document.getElementById("t-timer");
  return box ? JSON.parse(box.textContent) : {};
}

export function formatSeconds(total) {
  const s = Math.max(0, Math.round(total));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${String(m).padStart(2, "0")}:${sec}`;
}

export class Countdown {
  /**
   * box: the element shown or hidden as a whole; display: the digits (gets data-remaining);
   * status: a short word beside the digits (paused, time is up); announcer: a polite live
   * region; t: the page's strings; onZero: called when a running timer reaches zero here.
   */
  constructor({ box, display, status, announcer, t, t2, onZero, onChange }) {
    Object.assign(this, { box, display, status, announcer, onZero, onChange });
    this.t = { ...ownStrings(), ...t };
    this.t2 = t2 || null; // a bilingual projector's second language: its words beside ours
    // "Timer not started:" goes before the digits, styled as the status word
    this.prefix = document.createElement("span");
    this.prefix.className = "timer-status timer-prefix";
    this.prefix.hidden = true;
    display.before(this.prefix);
    this.offset = 0;
    this.timer = null;
    this.last = null; // whole seconds last shown
    this.state = "none";
    setInterval(() => this.tick(), 250);
  }

  update(workshop, now) {
    if (typeof now === "number") this.offset = now - Date.now() / 1000;
    const before = this.state;
    const timer = workshop && workshop.status === "running" ? workshop.timer : null;
    this.timer = timer;
    if (!timer || (!timer.running && (timer.remaining === null || timer.remaining === undefined))) {
      this.state = "none";
    } else if (timer.running) {
      this.state = "running";
    } else if (timer.remaining <= 0) {
      this.state = "up";
    } else {
      this.state = timer.duration && Math.abs(timer.remaining - timer.duration) < 0.5
        ? "ready" : "paused";
    }
    if (before !== this.state && this.state === "paused" && before === "running") {
      this.say(fill(this.t.timer_paused_left, { time: formatSeconds(this.left()) }));
    }
    this.last = null;
    this.tick(true);
  }

  left() {
    const timer = this.timer;
    if (!timer) return 0;
    if (timer.running) return Math.max(0, timer.ends_at - (Date.now() / 1000 + this.offset));
    return Math.max(0, timer.remaining || 0);
  }

  // a word, or the word in both of a bilingual projector's languages
  put(node, first, second, after = "") {
    if (!second || second === first) {
      node.textContent = first + (first ? after : "");
      return;
    }
    const other = document.createElement("span");
    other.className = "lang-second";
    other.lang = this.t2.lang;
    other.dir = this.t2.dir;
    other.textContent = second;
    node.replaceChildren(`${first} · `, other, after);
  }

  say(text) {
    if (this.announcer) this.announcer.textContent = text;
  }

  tick(fresh = false) {
    this.box.hidden = this.state === "none";
    if (this.state === "none") {
      this.display.removeAttribute("data-remaining");
      this.last = null;
      return;
    }
    const whole = Math.ceil(this.left() - 0.001);
    if (whole === this.last) return;
    const previous = this.last;
    this.last = whole;
    this.display.textContent = formatSeconds(whole);
    this.display.dataset.remaining = String(whole);
    let state = this.state;
    if (state === "running" && whole <= 0) state = "up";
    const word = (t) => ({ up: t.timer_up, paused: t.timer_paused })[state] || "";
    if (this.status) this.put(this.status, word(this.t), this.t2 && word(this.t2));
    const notStarted = state === "ready" && Boolean(this.t.timer_not_started);
    this.prefix.hidden = !notStarted;
    if (notStarted) this.put(this.prefix, this.t.timer_not_started, this.t2 && this.t2.timer_not_started, " ");
    else this.prefix.textContent = "";
    this.box.dataset.state = state;
    if (this.state === "running" && !fresh && previous !== null && whole < previous) {
      if (whole <= 0) {
        this.say(this.t.timer_up);
        if (this.onZero) this.onZero();
      } else if (whole === 10) {
        this.say(fill(this.t.timer_seconds_left, { n: whole }));
      } else if (whole % 60 === 0) {
        const n = whole / 60;
        this.say(plural(this.t.timer_minutes_left, n));
      }
    }
    if (this.onChange) this.onChange(state, whole);
  }
}

// A soft chime (two gentle sine notes, about 0.6 s). Browsers only let a page make sound
// after a gesture, so the AudioContext is made when someone presses "Sound on".
export class Chime {
  constructor() {
    this.ctx = null;
    this.on = false;
  }

  enable(on) {
    this.on = on;
    if (!on) return;
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    if (!this.ctx) this.ctx = new Ctx();
    if (this.ctx.state === "suspended") this.ctx.resume();
  }

  play() {
    if (!this.on || !this.ctx) return;
    const ctx = this.ctx;
    const start = ctx.currentTime + 0.02;
    for (const [freq, delay] of [[659.25, 0], [987.77, 0.12]]) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start + delay);
      gain.gain.exponentialRampToValueAtTime(0.18, start + delay + 0.04);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.6);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + delay);
      osc.stop(start + 0.65);
    }
  }
}
