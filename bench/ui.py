"""Booth UI benchmark: how quickly the window starts, switches language and answers a search.

Figures (offscreen, the demo catalog, portrait 1080x1920):
- ``start_s``: ``BoothUi(...)`` built and shown (all ten screens, translations, theme);
- ``language_switch_cpu_ms``: a tap on a language on the home screen: ``set_language``,
  the events it posted (layout) and the window repainted: the tap's answer on screen
  (median of 6);
- ``elderly_toggle_cpu_ms``: the same for a tap on 长辈模式 (median of 6);
- ``*_then_cpu_ms``: what the tap left for the next turns of the event loop (the home
  screen's cards below the view, brought back in the new look);
- ``next_screen_after_switch_cpu_ms``: the first showing of another screen (a service's
  guide) after such a switch: what the switch left for later (restyling and retranslating
  a screen when it is shown, not on the tap) (median of 6);
- ``search_render_cpu_p50_ms``/``p95``: a keystroke on the home screen: the catalog search plus
  rendering the result cards, over queries of every kind;
- ``screenshot_cpu_ms``: ``window.grab()`` of one screen (without PNG encoding);
- ``rss_mb``: resident memory of the process afterwards.

Targets: start < 2 s, a keystroke's search + render p95 < 100 ms, a tap on a language or
on 长辈模式 < 100 ms (a touch must feel immediate). Run: ``python bench/ui.py``; writes
``bench/results/ui.json``. CPU times are given for the interactive figures because the
machine may be shared (wall time on a busy machine measures the other processes).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERIES = [
    "gjj",
    "gongjijin",
    "公积金",
    "注销",
    "zx",
    "社保",
    "sb",
    "hukou",
    "户口",
    "marriage",
    "tax",
    "营业执照",
    "yyzz",
    "医保",
    "yb",
    "不动产",
    "bdc",
    "提取",
    "tq",
    "xyz",
]


def _timed(fn) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from kiosk.config import BoothConfig
    from kiosk.core.catalog import load_catalog
    from kiosk.core.clock import SystemClock
    from kiosk.privacy.vault import SessionVault
    from kiosk.ui.app import create_application
    from kiosk.ui.booth_ui import BoothCollaborators, BoothUi

    app = create_application()
    catalog = load_catalog()
    tmp = tempfile.TemporaryDirectory()
    holder: dict[str, BoothUi] = {}

    def start() -> None:
        ui = BoothUi(
            BoothConfig(fullscreen=False),
            BoothCollaborators(
                catalog=catalog,
                session_factory=lambda: SessionVault(root=Path(tmp.name)),
                clock=SystemClock(),
            ),
        )
        ui.window.show()
        QApplication.processEvents()
        holder["ui"] = ui

    start_wall, start_cpu = _timed(start)
    ui = holder["ui"]
    ui.start_session()
    QApplication.processEvents()

    def tap(switch) -> tuple[float, float]:  # type: ignore[no-untyped-def]
        def answered() -> None:
            switch()
            QApplication.sendPostedEvents()  # laid out...
            ui.window.repaint()  # ...and painted: what the citizen sees

        def then() -> None:
            for _ in range(20):  # the loop's next turns, until what was deferred is done
                QApplication.processEvents()

        return _timed(answered)[1] * 1000, _timed(then)[1] * 1000

    def next_screen() -> float:
        def shown() -> None:
            ui.open_service(catalog.services[0].code)
            QApplication.processEvents()

        cpu = _timed(shown)[1] * 1000
        ui.go_home()
        QApplication.processEvents()
        return cpu

    switches, toggles, after = [], [], []
    for lang in ("en", "zh_HK", "zh_CN") * 2:
        switches.append(tap(lambda lang=lang: ui.set_language(lang)))
        after.append(next_screen())
    for on in (True, False) * 3:
        toggles.append(tap(lambda on=on: ui.set_elderly(on)))
        after.append(next_screen())
    idle = tap(lambda: None)[1]  # the same turns with nothing deferred: subtracted

    home = ui.window.screens["home"]
    searches = []
    for q in QUERIES * 3:
        home.search.clear()

        def keystroke(q: str = q) -> None:
            home.search.setText(q)
            QApplication.processEvents()

        searches.append(_timed(keystroke)[1] * 1000)
    searches.sort()
    grab_ms = _timed(lambda: ui.window.grab())[1] * 1000
    ui.close()
    tmp.cleanup()
    app.processEvents()

    figures = {
        "start_s": round(start_wall, 3),
        "start_cpu_s": round(start_cpu, 3),
        "language_switch_cpu_ms": round(statistics.median(t[0] for t in switches), 1),
        "language_switch_then_cpu_ms": round(
            max(0.0, statistics.median(t[1] for t in switches) - idle), 1
        ),
        "elderly_toggle_cpu_ms": round(statistics.median(t[0] for t in toggles), 1),
        "elderly_toggle_then_cpu_ms": round(
            max(0.0, statistics.median(t[1] for t in toggles) - idle), 1
        ),
        "next_screen_after_switch_cpu_ms": round(statistics.median(after), 1),
        "search_render_cpu_p50_ms": round(searches[len(searches) // 2], 1),
        "search_render_cpu_p95_ms": round(searches[int(len(searches) * 0.95) - 1], 1),
        "screenshot_cpu_ms": round(grab_ms, 1),
        "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "services": len(catalog.services),
        "load_average": round(os.getloadavg()[0], 2),
    }
    for key, value in figures.items():
        print(f"{key:32} {value}")
    out = ROOT / "bench" / "results" / "ui.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
