"""What fitting the projector costs in the browser, for rooms of 50 to 1,000 notes.

    python bench/projector.py                 # 50, 200, 500, 1000 notes at two sizes
    python bench/projector.py --notes 200 1000 --sizes 1920x1080

A notes wall is filled through the real commands, `facilitator serve` replays it, and headless
Chromium opens the screen. For each room and size it prints the pages, the notes on the
fullest page, the time of the first fit and of the fit after one more note arrives (the
engine's own figure, `body[data-fit-ms]`), next to the baseline: the same cards laid out
once in a plain list (what the browser costs without fitting).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import LiveServer  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.e2e.projector import Filler, make_service, pager_state, ready_plan  # noqa: E402
from tests.e2e.roomtext import NAMES, notes  # noqa: E402

BASELINE = """(texts) => {
  const ul = document.createElement("ul");
  ul.className = "wall";
  ul.style.cssText = "position:absolute;left:0;top:0;width:100%;visibility:hidden";
  const t0 = performance.now();
  for (const text of texts) {
    const li = document.createElement("li"); li.className = "card";
    const p = document.createElement("p"); p.className = "text"; p.textContent = text;
    li.append(p); ul.append(li);
  }
  document.body.append(ul);
  const h = ul.getBoundingClientRect().height;  // force the layout
  const ms = performance.now() - t0;
  ul.remove();
  return [ms, h];
}"""


def fill(service, n: int):
    f = Filler(service, service.create_workshop(ready_plan("notes-wall")))
    phones = max(1, min(n // 3 + 1, 400))
    f.join(phones, NAMES)
    f.console("start")
    f.console("show_qr", {"visible": False})
    for i, text in enumerate(notes(n, seed=n)):
        f.phone(i % phones, "post_note", {"text": text})
    return f.row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notes", type=int, nargs="+", default=[50, 200, 500, 1000])
    ap.add_argument("--sizes", nargs="+", default=["1920x1080", "1024x768"])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        service = make_service(db)
        rows = {n: fill(service, n) for n in args.notes}
        server = LiveServer(db, Path(tmp) / "server.log").start()
        print(f"{'notes':>6} {'size':>10} {'pages':>6} {'most/page':>9} "
              f"{'first fit ms':>12} {'arrival fit ms':>14} {'baseline ms':>11}")
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for n, row in rows.items():
                    for size in args.sizes:
                        w, h = map(int, size.split("x"))
                        first, arrival, base, state = [], [], [], {}
                        for run in range(args.runs):
                            page = browser.new_page(viewport={"width": w, "height": h})
                            page.goto(f"{server.url}/screen/{row.screen_key}")
                            page.wait_for_function(f"() => document.querySelectorAll("
                                                   f"'#wall [data-item]').length >= {n}")
                            time.sleep(0.5)
                            first.append(float(page.evaluate("document.body.dataset.fitMs")))
                            state = pager_state(page)
                            fits = page.evaluate("document.body.dataset.fitted")
                            import socketio  # a late phone, through the live server
                            phone = socketio.Client()
                            phone.connect(server.url, auth={"role": "phone", "code": row.code},
                                          transports=["websocket"])
                            phone.call("join", {"client_id": f"bench-join-{n}-{size}-{run}"})
                            phone.call("post_note", {"client_id": f"bench-{n}-{size}-{run}",
                                                     "text": "One more idea, just arrived"})
                            page.wait_for_function(
                                f"() => document.body.dataset.fitted !== '{fits}'")
                            time.sleep(0.3)
                            arrival.append(float(page.evaluate("document.body.dataset.fitMs")))
                            phone.disconnect()
                            texts = page.evaluate("[...document.querySelectorAll('#wall .text')]"
                                                  ".map((e) => e.textContent)")
                            base.append(page.evaluate(BASELINE, texts)[0])
                            page.close()
                        print(f"{n:>6} {size:>10} {state['pages']:>6} {max(state['perPage']):>9} "
                              f"{statistics.median(first):>12.1f} "
                              f"{statistics.median(arrival):>14.1f} "
                              f"{statistics.median(base):>11.1f}")
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
