"""Benchmark of the clerk console against a loaded hub: Debian's Chromium (Playwright) drives
the real console while 200 booths wait in the general queue, 2,000 cases are open and 300
clerk accounts exist; it times, from the clerk's action to the console's answer on screen:

- ``accept``: the accept button of the queue's first entry -> the case shown;
- ``invite``: invite the chosen department (the I key) -> "invited" said;
- ``complete_step``: the C key -> the step shown done (the case reloaded);
- ``case_search``: the desk's case list searched by phone tail (the request and its
  rendering, without the 250 ms the page waits for the clerk to stop typing);

and ``hub_route_ms``: the same routes called from this process on 127.0.0.1 (the hub's own
time, the browser left out). Target: every p95 under 300 ms.

    PYTHONPATH=. python bench/console.py [--booths 200] [--cases 2000] [--clerks 300] [--rounds 15]

Writes bench/results/console.json. The hub runs in this process (uvicorn in a thread) on
SQLite, as in the hub tests; the machine may be shared, so figures are wall times.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.core.catalog import load_catalog  # noqa: E402
from kiosk.hub.api_accounts import create_clerk, register_booth  # noqa: E402
from kiosk.hub.server import HubServer  # noqa: E402
from kiosk.hub.settings import HubSettings  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "bench console password"
TARGET_MS = 300.0


def stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"n": len(ordered), "p50": round(statistics.median(ordered), 1), "p95": round(p95, 1)}


def booth_waits(hub_ws: str, token: str, n: int, case_id: str) -> Any:
    """A booth's socket asking the general desk for a clerk about its case (it waits in
    the queue)."""
    ws = connect(
        hub_ws + "/ws/booth", additional_headers={"Authorization": f"Bearer {token}"}
    ).__enter__()
    for _ in range(20):
        if json.loads(ws.recv(timeout=10)).get("type") == "welcome":
            break
    ws.send(
        json.dumps(
            {
                "type": "event",
                "id": f"r{n}",
                "name": "call_request",
                "data": {"department": "general", "case_id": case_id},
            }
        )
    )
    # The hub ends a booth that stops answering its pings (and its queue entry with it).
    threading.Thread(target=answer_pings, args=(ws,), daemon=True).start()
    return ws


def answer_pings(ws: Any) -> None:
    try:
        for message in ws:
            frame = json.loads(message)
            if frame.get("type") == "ping":
                ws.send(json.dumps({"type": "pong", "ts": frame.get("ts")}))
    except Exception:  # the socket closed at the end of the run
        return


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--booths", type=int, default=200)
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--clerks", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="xiaowu-bench-console-"))
    db_url = f"sqlite:///{work}/hub.sqlite3"
    settings = HubSettings(db_url=db_url, password_time_cost=1, password_memory_kib=1024)
    server = HubServer(settings, catalog=load_catalog()).start()
    http = httpx.Client(base_url=server.url, timeout=30)
    sockets: list[Any] = []
    try:
        departments = ["general", "tax", "social", "market"]
        with server.state.db() as db:  # the hub's own models, as its CLI makes accounts
            create_clerk(db, server.state.passwords, "desk", PASSWORD, "坐席", "general", ["clerk"])
            for i in range(args.clerks):
                create_clerk(
                    db,
                    server.state.passwords,
                    f"clerk{i:03d}",
                    PASSWORD,
                    f"坐席{i}",
                    departments[i % len(departments)],
                    ["clerk"],
                )
            booths = [
                (f"bench-{i:03d}", str(register_booth(db, f"bench-{i:03d}", f"晓屋 {i}")))
                for i in range(args.booths)
            ]
        token = http.post(
            "/api/v1/auth/login", json={"username": "desk", "password": PASSWORD}
        ).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        t0 = time.perf_counter()
        case_of: dict[str, str] = {}
        for i in range(args.cases):
            booth_id, booth_token = booths[i % len(booths)]
            r = http.post(
                "/api/v1/cases",
                headers={"Authorization": f"Bearer {booth_token}"},
                json={
                    "service": "enterprise-deregistration",
                    "citizen": {"name": f"张{i}", "phone": f"138{i:08d}"},
                },
            )
            r.raise_for_status()
            case_of[booth_id] = r.json()["id"]
        seeded_s = time.perf_counter() - t0
        for n, (booth_id, booth_token) in enumerate(booths):
            sockets.append(booth_waits(server.ws_url, booth_token, n, case_of[booth_id]))
        result = drive(server.url, args.rounds)
        result["hub_route_ms"] = hub_routes(http, auth, args.rounds)
        result["load"] = {
            "booths_waiting": args.booths,
            "cases": args.cases,
            "clerk_accounts": args.clerks + 1,
            "cases_seeded_s": round(seeded_s, 1),
        }
        result["target_ms"] = TARGET_MS
    finally:
        for ws in sockets:
            ws.close()
        http.close()
        server.stop()
    for name, figures in {**result["console_ms"], **result["hub_route_ms"]}.items():
        flag = "ok" if figures["p95"] < TARGET_MS else "SLOW"
        print(f"{name:28s} p50 {figures['p50']:7.1f} ms  p95 {figures['p95']:7.1f} ms  {flag}")
    out = ROOT / "bench" / "results" / "console.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


# Runs in the page: the time from an action to a condition on screen, polled every frame.
UNTIL = """async ([action, until]) => {
  const t0 = performance.now();
  const act = new Function(action);
  const done = new Function(until);
  act();
  while (!done()) {
    if (performance.now() - t0 > 10000) throw new Error("no answer on screen in 10 s: " + until);
    await new Promise((r) => requestAnimationFrame(r));
  }
  return performance.now() - t0;
}"""


def drive(url: str, rounds: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    timings: dict[str, list[float]] = {
        "accept": [],
        "invite": [],
        "complete_step": [],
        "case_search": [],
    }
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
            ],
        )
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(url + "/console")
        page.fill("input[name=username]", "desk")
        page.fill("input[name=password]", PASSWORD)
        page.click("#login button[type=submit]")
        page.wait_for_function(
            "() => window.xw.connected === true && window.xw.keys.queue().length > 0"
        )
        page.evaluate("document.querySelector('#invite-dept').value = 'tax'")
        for _ in range(rounds):
            timings["accept"].append(
                page.evaluate(
                    UNTIL,
                    [
                        "document.querySelector('#queue li button.accept').click()",
                        "return !document.querySelector('#case-panel').hidden"
                        " && window.xw.call && window.xw.call.id",
                    ],
                )
            )
            page.evaluate("document.activeElement.blur()")
            timings["invite"].append(
                page.evaluate(
                    UNTIL,
                    [
                        "document.querySelector('#keys-status').textContent = '';"
                        "document.dispatchEvent("
                        "new KeyboardEvent('keydown', {code: 'KeyI', bubbles: true}))",
                        "return document.querySelector('#keys-status').textContent !== ''",
                    ],
                )
            )
            timings["complete_step"].append(
                page.evaluate(
                    UNTIL,
                    [
                        "document.querySelector('#keys-status').textContent = '';"
                        "document.dispatchEvent("
                        "new KeyboardEvent('keydown', {code: 'KeyC', bubbles: true}))",
                        "return document.querySelector('#keys-status').textContent !== ''",
                    ],
                )
            )
            status = page.text_content("#keys-status") or ""
            assert status.startswith("已完成"), status
            page.click("#end-call")
            page.wait_for_selector("#call-panel", state="hidden")
        for i in range(rounds):
            tail = f"{i:04d}"
            timings["case_search"].append(
                page.evaluate(
                    """async (tail) => {
                  const t0 = performance.now();
                  casesQuery = tail;
                  await loadDeskCases();
                  return performance.now() - t0;
                }""",
                    tail,
                )
            )
        browser.close()
    return {"console_ms": {k: stats(v) for k, v in timings.items()}}


def hub_routes(http: httpx.Client, auth: dict[str, str], rounds: int) -> dict[str, Any]:
    """The routes the console calls, timed from this process (no browser in between)."""
    cases = http.get("/api/v1/desk/cases", headers=auth).json()
    some = [c["id"] for group in ("waiting", "open") for c in cases.get(group, [])][:rounds]
    timings: dict[str, list[float]] = {
        "GET /desk/cases?q=": [],
        "GET /cases/{id}": [],
        "GET /queues/general": [],
        "GET /me": [],
    }
    for i in range(rounds):
        for name, path in (
            ("GET /desk/cases?q=", f"/api/v1/desk/cases?q={i:04d}"),
            ("GET /cases/{id}", f"/api/v1/cases/{some[i % len(some)]}"),
            ("GET /queues/general", "/api/v1/queues/general"),
            ("GET /me", "/api/v1/me"),
        ):
            t0 = time.perf_counter()
            http.get(path, headers=auth).raise_for_status()
            timings[name].append((time.perf_counter() - t0) * 1000)
    return {k: stats(v) for k, v in timings.items()}


if __name__ == "__main__":
    raise SystemExit(main())
