"""Suite-wide fixtures: Qt offscreen, a qasync loop for asyncio tests, a clean environment,
the repository's catalog."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import pytest

from kiosk.core.catalog import Catalog, load_catalog


def pytest_asyncio_loop_factories(config, item):  # type: ignore[no-untyped-def]
    """Run every asyncio test on a qasync loop so Qt and asyncio share one thread."""
    import qasync
    from PySide6.QtWidgets import QApplication

    def make_loop():  # type: ignore[no-untyped-def]
        app = QApplication.instance() or QApplication([])
        return qasync.QEventLoop(app)

    return {"qasync": make_loop}


@pytest.fixture(autouse=True)
def _no_xiaowu_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read the developer's own XIAOWU_* settings."""
    for name in list(os.environ):
        if name.startswith("XIAOWU_"):
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def _collect_old_loops_on_the_main_thread() -> None:
    """Each asyncio test gets a new qasync loop. If an old one is garbage-collected on a
    server thread of a later test, Qt stops its timers from the wrong thread and crashes
    ("Timers cannot be stopped from another thread", then SIGSEGV). Collect here, on the
    main thread, before the next test starts threads of its own."""
    import gc

    gc.collect()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that takes the ``browser`` fixture drives Chromium whether or not its author
    marked it: mark it, so ``make test-fast`` (``-m "not browser"``) leaves it out."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The repository's catalog (assets/catalog), loaded once for the whole suite."""
    return load_catalog()
