"""Take the README's screenshots of the dashboard.

Serves a store (by default the demo store, built from examples/corpus when it
is missing) on a free local port, opens the dashboard in headless Chromium,
waits until every panel has rendered and saves two pictures: the desktop at
1440x900 (docs/dashboard.png), zoomed to the April 2024 crisis (--view, a
dashboard URL's query string), and a 390x844 phone scrolled to the threat
ledger (docs/dashboard-phone.png).

    .venv/bin/python scripts/screenshot.py [--db demo.duckdb] [--out docs/dashboard.png] [--phone-out docs/dashboard-phone.png] [--view QUERY] [--full-page]

Needs the playwright package and a system Chromium (/usr/bin/chromium, or
--chromium PATH); it never downloads a browser.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PANELS = [
    "#timeline svg rect.bar",
    "#map svg path.country",
    "#network svg g.node",
    "#ledger tr.ledger-row",
    "#events .event-row",
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_demo(db: Path) -> None:
    """`sitroom ingest examples/corpus --db DB` with the installed command."""
    sitroom = Path(sys.executable).with_name("sitroom")
    command = [str(sitroom) if sitroom.exists() else "sitroom", "ingest", str(ROOT / "examples" / "corpus"), "--db", str(db)]
    print("building the demo store:", " ".join(command), file=sys.stderr)
    subprocess.run(command, check=True)


def serve(db: Path):
    """The real app on 127.0.0.1 in a background thread; returns (base URL, server, thread)."""
    import uvicorn

    from sitroom.server.app import create_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="screenshot-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise SystemExit("the server did not start")
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server, thread


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, default=ROOT / "demo.duckdb", help="store to show (built from examples/corpus if missing)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "dashboard.png", help="desktop PNG to write (1440x900)")
    parser.add_argument("--phone-out", type=Path, default=ROOT / "docs" / "dashboard-phone.png", help="phone PNG to write (390x844)")
    parser.add_argument("--view", default="since=2024-04-01&until=2024-04-21",
                        help="the desktop picture's view: a query string as the dashboard's URL keeps it")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="Chromium executable")
    parser.add_argument("--full-page", action="store_true", help="the whole page, not just the first screen")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    if not Path(args.chromium).exists():
        raise SystemExit(f"{args.chromium} is missing: install chromium (this script never downloads a browser)")
    if not args.db.exists():
        build_demo(args.db)

    base, server, thread = serve(args.db)
    problems: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, headless=True)
            shots = ((1440, 900, args.out, f"/?{args.view.lstrip('?')}" if args.view else "/", None), (390, 844, args.phone_out, "/", "#ledger"))
            for width, height, out, path, scroll_to in shots:
                page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
                page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
                page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
                page.goto(base + path)
                page.wait_for_selector("body[data-ready=true]", timeout=30_000)
                for selector in PANELS:
                    page.wait_for_selector(selector, timeout=30_000)
                if scroll_to:
                    page.locator(scroll_to).evaluate("e => e.scrollIntoView({block: 'start'})")
                page.wait_for_timeout(300)  # let the layout settle
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out), full_page=args.full_page, animations="disabled")
                page.close()
                print(f"wrote {out}")
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    for problem in problems:
        print("browser:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
