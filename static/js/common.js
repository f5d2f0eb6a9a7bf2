// Shared by the phone, screen and console pages: connection, outbox, small DOM helpers.
// Participant text is only ever set with textContent, never as HTML.

export function readConfig() {
  return JSON.parse(document.getElementById("config").textContent);
}

export function newId() {
  // crypto.randomUUID needs a secure context; phones reach us over plain http on the LAN.
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

export function store(key) {
  return {
    get(fallback = null) {
      try {
        const raw = localStorage.getItem(key);
        return raw === null ? fallback : JSON.parse(raw);
      } catch {
        return fallback;
      }
    },
    set(value) {
      try { localStorage.setItem(key, JSON.stringify(value)); } catch { /* private mode */ }
    },
    remove() {
      try { localStorage.removeItem(key); } catch { /* private mode */ }
    },
  };
}

// Connect with an auth function, so each reconnect sends the current token and last seq,
// and the page's language (<html lang>), so acks and views come in the reader's language.
// onStatus(status, sentence): "online", "offline", or "error"; with "error", `sentence` is
// the server's own sentence when it refused the connection (wrong link, workshop deleted,
// door closed, too many connections), to be shown to the person as it is.
export function connect(auth, handlers, onStatus) {
  const lang = document.documentElement.lang;
  const cfg = readConfig();
  const query = cfg.route ? { route: routeKey(cfg.route, cfg.spread) } : {};
  const socket = window.io({ auth: (cb) => cb({ lang, ...auth() }), transports: ["websocket", "polling"],
                             query, reconnectionDelay: 500, reconnectionDelayMax: 4000 });
  for (const [name, fn] of Object.entries(handlers)) socket.on(name, fn);
  // in a busy room the server sends a turn's events to a screen or console as one message,
  // [[event, data], ...] (facilitator/realtime/batch.py): each goes to its handler, in order
  socket.on("batch", (items) => {
    for (const [name, data] of Array.isArray(items) ? items : []) {
      if (Object.prototype.hasOwnProperty.call(handlers, name)) handlers[name].call(socket, data);
    }
  });
  let retry = null;
  let delay = 10000;
  socket.on("connect", () => { delay = 10000; onStatus("online"); });
  socket.on("disconnect", () => onStatus("offline"));
  socket.on("connect_error", (err) => {
    if (socket.active) { onStatus("error"); return; } // the network: it retries by itself
    // the server said no, with a sentence; it may change its mind (the door reopens)
    onStatus("error", err && err.message);
    clearTimeout(retry);
    retry = setTimeout(() => socket.connect(), delay);
    delay = Math.min(delay * 2, 60000);
  });
  return socket;
}

// The key a proxy routes this page's socket by (docs/architecture.md, "Scale-out"): the
// workshop's join code, so that one workshop's sockets (long-polling too) go to one process;
// with the server's SPREAD setting N > 1, "<code>.<k>" with k in [0, N) drawn once per
// device and kept, so a big room spreads over N processes and each phone stays on its own.
export function routeKey(code, spread) {
  const n = Math.floor(Number(spread) || 1);
  if (n <= 1) return code;
  const box = store("fac:route-draw");
  let draw = box.get(null);
  if (typeof draw !== "number") {
    draw = crypto.getRandomValues(new Uint32Array(1))[0];
    box.set(draw);
  }
  return `${code}.${draw % n}`;
}

// The text for a connection status: the server's sentence when it gave one.
export function statusText(t, status, sentence) {
  return status === "error" && sentence ? sentence : t[status] || "";
}

// Actions wait in an outbox (kept in localStorage) until the server acknowledges them. Each
// carries a client_id, so a resend after a dropped connection is applied once.
export class Outbox {
  constructor(key, onChange) {
    this.box = store(key);
    this.items = this.box.get([]);
    this.onChange = onChange;
    this.inflight = false;
    this.socket = null;
  }

  attach(socket) {
    this.socket = socket;
    socket.on("connect", () => this.flush());
    setInterval(() => this.flush(), 5000);
  }

  send(event, payload, done) {
    const item = { event, payload: { ...payload, client_id: newId() } };
    this.items.push(item);
    this.save();
    if (done) this.callbacks.set(item.payload.client_id, done);
    this.flush();
    return item;
  }

  get callbacks() {
    if (!this._callbacks) this._callbacks = new Map();
    return this._callbacks;
  }

  pending(event) {
    return this.items.filter((item) => item.event === event);
  }

  save() {
    this.box.set(this.items);
    if (this.onChange) this.onChange(this.items);
  }

  flush() {
    if (this.inflight || !this.socket || !this.socket.connected || !this.items.length) return;
    if (this.waitUntil && Date.now() < this.waitUntil) return;
    const item = this.items[0];
    this.inflight = true;
    this.socket.timeout(10000).emit(item.event, item.payload, (err, ack) => {
      this.inflight = false;
      if (err) return; // no answer: keep it, try again on reconnect or the next tick
      if (ack && !ack.ok && typeof ack.retry_after === "number") {
        // too fast (the server's limits): keep it and send it again when it says
        this.waitUntil = Date.now() + ack.retry_after * 1000;
        setTimeout(() => this.flush(), ack.retry_after * 1000 + 50);
        if (this.onWait) this.onWait(ack, item);
        return;
      }
      this.items = this.items.filter((i) => i.payload.client_id !== item.payload.client_id);
      this.save();
      const done = this.callbacks.get(item.payload.client_id);
      this.callbacks.delete(item.payload.client_id);
      if (done) done(ack, item);
      else if (this.onResult) this.onResult(ack, item);
      this.flush();
    });
  }
}

// Add an item to a list, or replace the one with the same id (updates may repeat).
export function upsert(list, item) {
  const i = list.findIndex((x) => x.id === item.id);
  if (i >= 0) list[i] = item;
  else list.push(item);
}

// Participant text put into a sentence is a bidi isolate (FSI ... PDI) when it holds
// right-to-left letters or bidi controls, so an Arabic name, or a U+202E in one, cannot reorder
// the words around it. Its own controls are balanced first (facilitator/i18n.py isolate).
const BIDI = /[\u0590-\u08ff\ufb1d-\ufefc\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;
const ISOLATES = "\u2066\u2067\u2068";
export function isolate(value) {
  const text = String(value);
  if (!BIDI.test(text)) return text;
  const out = [];
  const open = [];
  for (const ch of text) {
    if ("\u202a\u202b\u202d\u202e".includes(ch) || ISOLATES.includes(ch)) open.push(ch);
    else if (ch === "\u202c") {
      if (!open.length || ISOLATES.includes(open[open.length - 1])) continue;
      open.pop();
    } else if (ch === "\u2069") {
      if (!open.some((c) => ISOLATES.includes(c))) continue;
      while (!ISOLATES.includes(open.pop()));
    }
    out.push(ch);
  }
  const closing = open.reverse().map((c) => (ISOLATES.includes(c) ? "\u2069" : "\u202c")).join("");
  return `\u2068${out.join("")}${closing}\u2069`;
}

// Fill "{name}" placeholders of a translated sentence.
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => isolate(values[key]));
}

// A counted message: `entry` is the page's {CLDR category: form} for it (plural_forms() in
// facilitator/i18n.py); the form for `n` is picked by the page language's plural rules
// (Polish "3 osoby", "5 osób"), falling back to `other`, and filled like fill() with
// {n} and `values` (which may set their own n, e.g. a table number beside a count).
const pluralRules = new Map();
export function plural(entry, n, values = {}) {
  const lang = document.documentElement.lang || "en";
  if (!pluralRules.has(lang)) pluralRules.set(lang, new Intl.PluralRules(lang));
  const forms = entry || {};
  const form = forms[pluralRules.get(lang).select(n)] ?? forms.other ?? "";
  return fill(form, { n, ...values });
}

export function formatPeople(template, people) {
  return fill(template, people);
}
