"""Fixtures for the booth UI: a BoothUi over a small catalog, a fake clock, a real vault."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import BoothConfig
from kiosk.core.clock import FakeClock
from kiosk.privacy.vault import SessionVault
from tests.ui.small_catalog import small_catalog


@dataclass(frozen=True)
class FakeStatus:
    online: bool


class FakeConnection:
    """A connection-state source (shaped like the backend's BoothChannel) flipped by hand."""

    def __init__(self, online: bool = True) -> None:
        self.status = FakeStatus(online)
        self._listeners: list[Callable[[FakeStatus], None]] = []

    def add_listener(self, listener: Callable[[FakeStatus], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def set(self, online: bool) -> None:
        self.status = FakeStatus(online)
        for listener in list(self._listeners):
            listener(self.status)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def session_root(tmp_path: Path) -> Path:
    return tmp_path / "sessions"


@pytest.fixture
def vaults(session_root: Path) -> list[SessionVault]:
    """Every vault the UI created, in order."""
    return []


@pytest.fixture
def make_ui(
    qapp: Any, clock: FakeClock, session_root: Path, vaults: list[SessionVault]
) -> Iterator[Callable[..., Any]]:
    from kiosk.ui.booth_ui import BoothCollaborators, BoothUi

    built: list[Any] = []

    def factory() -> SessionVault:
        vault = SessionVault(root=session_root)
        vaults.append(vault)
        return vault

    def make(**overrides: Any) -> Any:
        config_fields = {f.name for f in dataclasses.fields(BoothConfig)}
        config = BoothConfig(
            fullscreen=False,
            idle_timeout_s=120.0,
            idle_warning_s=30.0,
            **{k: v for k, v in overrides.items() if k in config_fields},
        )
        extra = {k: v for k, v in overrides.items() if k not in config_fields}
        collaborators = BoothCollaborators(
            catalog=extra.pop("catalog", None) or small_catalog(),
            session_factory=factory,
            clock=clock,
            **extra,
        )
        ui = BoothUi(config, collaborators)
        ui.window.show()
        built.append(ui)
        return ui

    yield make
    for ui in built:
        ui.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Any Qt warning in a UI test fails it (a broken layout or stylesheet shows up here),
    except the offscreen platform's note that it cannot size windows to their hints."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore("propagateSizeHints"))
