"""The booth's user interface as one object the composition root builds and drives.

:class:`BoothUi` owns the window, the bridge, the translations and the idle watch. It is
given its collaborators (:class:`BoothCollaborators`); it holds no global state, so tests
build as many as they like. It turns the citizen's intents (from the bridge) into
navigation and into calls of the collaborators, and it owns the citizen session's life:
start (touch or door QR code), idle warning, and the wipe at the end (done, idle, leaving).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import qasync
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from kiosk.config import BoothConfig
from kiosk.core.catalog import Catalog
from kiosk.core.clock import Clock
from kiosk.ui.bridge import BoothBridge
from kiosk.ui.error_router import ErrorRouter
from kiosk.ui.i18n import SOURCE_LANGUAGE, Translations, compile_translations
from kiosk.ui.idle import IdlePhase, IdleTimer
from kiosk.ui.lockdown import Lockdown
from kiosk.ui.texts import resumed_caption
from kiosk.ui.theme import FONT_FAMILIES, Theme, stylesheet, theme_for
from kiosk.ui.viewmodels import CallView, Plain
from kiosk.ui.window import BoothWindow

log = logging.getLogger(__name__)

IDLE_TICK_MS = 500


class SessionStore(Protocol):
    """What the UI needs of a citizen session's store (``kiosk.privacy.SessionVault``)."""

    @property
    def directory(self) -> Path: ...

    def wipe(self) -> None: ...


class ConnectionStatus(Protocol):
    @property
    def online(self) -> bool: ...


class ConnectionSource(Protocol):
    """Whether the hub is reachable (``kiosk.backend.channel.BoothChannel`` is one).

    Listeners run on the Qt/asyncio thread and receive a status with ``online``.
    """

    @property
    def status(self) -> ConnectionStatus: ...

    def add_listener(self, listener: Callable[[Any], None]) -> Callable[[], None]:
        """Call ``listener(status)`` on every change; returns a function that removes it."""
        ...


@dataclass(frozen=True, slots=True)
class BoothCollaborators:
    """Everything the UI is given by the composition root.

    ``start_service(code)`` and ``request_clerk(department)`` are where the flows and the
    call part take over; without them the UI falls back to the clerk queue screen.
    ``on_start(ui)`` runs once on the loop after the window is shown (connect the bridge to
    devices, the hub channel, flows...); ``on_stop()`` runs on the loop when the app quits
    (close them). ``end_call()`` hangs up.
    """

    catalog: Catalog
    session_factory: Callable[[], SessionStore]
    clock: Clock
    connection: ConnectionSource | None = None
    start_service: Callable[[str], Awaitable[None]] | None = None
    request_clerk: Callable[[str], Awaitable[None]] | None = None
    end_call: Callable[[], Awaitable[None]] | None = None
    on_start: Callable[[BoothUi], Awaitable[None]] | None = None
    on_stop: Callable[[], Awaitable[None]] | None = None
    # The address the door's QR code shows now ("" for none): it changes every window.
    door_link: Callable[[], str] | None = None


class _ActivityFilter(QObject):
    """Counts every touch, click and key press anywhere in the app as activity."""

    KINDS = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress})

    def __init__(self, on_activity: Callable[[], None]) -> None:
        super().__init__()
        self._on_activity = on_activity

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self.KINDS:
            self._on_activity()
        return False


def pick_font(language: str) -> str:
    families = set(QFontDatabase.families())
    for family in FONT_FAMILIES.get(language, ()):
        if family in families:
            return family
    return QApplication.font().family()


class BoothUi(QObject):
    """The booth's screens, session life and idle reset, wired to its collaborators."""

    def __init__(
        self,
        config: BoothConfig,
        collaborators: BoothCollaborators,
        *,
        translations: Translations | None = None,
    ) -> None:
        super().__init__()
        if QApplication.instance() is None:
            raise RuntimeError("create the QApplication before the BoothUi")
        self.config = config
        self.c = collaborators
        self.clock = collaborators.clock
        self.bridge = BoothBridge(config.language)
        self.translations = translations or Translations()
        compile_translations(self.translations.directory)
        self.window = BoothWindow(self.bridge, config.orientation)
        self.errors = ErrorRouter(self.bridge.show_error)
        self.session: SessionStore | None = None
        self.idle: IdleTimer | None = None
        self._warned = False
        self._session_started: float | None = None
        self._family = ""
        self._cursor_hidden = False
        self._closed = False
        self._theme: Theme | None = None
        self._sheet = ""
        self._tasks: set[asyncio.Task[Any]] = set()
        self._unsubscribe: Callable[[], None] | None = None
        self._door_link = ""

        self.idle_ticker = QTimer(self)
        self.idle_ticker.setInterval(IDLE_TICK_MS)
        self.idle_ticker.timeout.connect(self.check_idle)
        self.clock_ticker = QTimer(self)
        self.clock_ticker.setInterval(1000)
        self.clock_ticker.timeout.connect(self._tick_clock)
        self._activity = _ActivityFilter(self.note_activity)
        QCoreApplication.instance().installEventFilter(self._activity)  # type: ignore[union-attr]
        # Lockdown: installed after the activity filter so that it sees events first.
        self.lockdown = Lockdown(
            self.window,
            self.bridge,
            self.clock,
            config.operator_pin_hash,
            on_operator=self._operator_arrived,
        )
        self.lockdown.exit_requested.connect(self.quit_app)
        self.lockdown.install()

        b = self.bridge
        b.start_requested.connect(self.start_session)
        b.language_requested.connect(self.set_language)
        b.elderly_requested.connect(self.set_elderly)
        b.department_requested.connect(self.show_department)
        b.search_requested.connect(self.search)
        b.service_requested.connect(self.open_service)
        b.service_start_requested.connect(self._on_service_start)
        b.clerk_requested.connect(self._on_clerk)
        b.home_requested.connect(self.go_home)
        b.more_time_requested.connect(self.more_time)
        b.end_requested.connect(lambda: self.end_session("citizen"))
        b.hangup_requested.connect(self._on_hangup)
        b.call_changed.connect(self._call_changed)

        self.set_catalog(collaborators.catalog)
        if collaborators.connection is not None:
            b.set_online(collaborators.connection.status.online)
            self._unsubscribe = collaborators.connection.add_listener(
                lambda status: self.set_online(status.online)
            )
        self.set_language(config.language)
        self._tick_clock()
        b.show_screen("attract")

    # --- life of the window -------------------------------------------------------------
    def show(self) -> None:
        if self.config.fullscreen:
            # A booth is touched, not pointed at: no mouse cursor on its screen.
            QApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)
            self._cursor_hidden = True
            self.lockdown.hold_fullscreen()
            self.window.unfix_size()
            self.window.showFullScreen()
        else:
            self.window.show()
        self.clock_ticker.start()

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Hook the error handlers and run the composition root's ``on_start``."""
        self.errors.install(loop)
        if self.c.on_start is not None:
            self._spawn(self.c.on_start(self))

    def close(self) -> None:
        """Wipe any open session and let go of the app (safe to call twice)."""
        if self._closed:
            return
        self._closed = True
        self.lockdown.uninstall()
        self.idle_ticker.stop()
        self.clock_ticker.stop()
        self._wipe()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self._activity)
        self.errors.uninstall()
        self.translations.apply(SOURCE_LANGUAGE)  # uninstall our translator
        for task in list(self._tasks):
            task.cancel()
        if self._cursor_hidden:
            QApplication.restoreOverrideCursor()
            self._cursor_hidden = False
        self.window.close()

    # --- look and language --------------------------------------------------------------
    def set_language(self, language: str) -> None:
        self.translations.apply(language)
        self.bridge.language = language
        self._apply_look()
        self.bridge.language_changed.emit(language)

    def set_elderly(self, elderly: bool) -> None:
        self.bridge.elderly = elderly
        self._apply_look()
        self.bridge.elderly_changed.emit(elderly)

    def set_orientation(self, orientation: str) -> None:
        self.window.set_orientation(orientation)

    def _apply_look(self) -> None:
        # Only what changed: restyling the whole window is the slow part of a switch.
        family = pick_font(self.bridge.language)
        if family != self._family:
            self._family = family
            QApplication.setFont(QFont(family))
        theme = theme_for(self.bridge.elderly)
        if theme is not self._theme:
            self._theme = theme
            self._sheet = stylesheet(theme)
        # What is on screen now; the other screens when they are shown (kiosk.ui.window).
        self.window.apply_look(self._sheet, theme.background)
        self.lockdown.retranslate()

    # --- data ---------------------------------------------------------------------------
    def set_catalog(self, catalog: Any) -> None:
        self.bridge.catalog = catalog
        self.bridge.catalog_changed.emit(catalog)
        self.show_department("")

    def set_online(self, online: bool) -> None:
        self.bridge.set_online(online)

    def show_department(self, code: str) -> None:
        catalog = self.bridge.catalog
        services = list(catalog.services_of(code) if code else catalog.services)
        self.bridge.department_shown.emit(code)
        self.bridge.search_results.emit("", services)

    def search(self, query: str) -> None:
        if not query:
            self.show_department("")
            return
        self.bridge.search_results.emit(query, self.bridge.catalog.search(query))

    def open_service(self, code: str) -> None:
        self.bridge.service_shown.emit(self.bridge.catalog.service(code))
        self.bridge.show_screen("service")

    def go_home(self) -> None:
        self.bridge.show_screen("home" if self.session is not None else "attract")

    # --- the citizen session ------------------------------------------------------------
    def start_session(self) -> None:
        """A citizen starts (a touch on the attract screen, or the door's QR code)."""
        if self._closed:  # e.g. an item still starting while the booth shuts down
            log.warning("no session on a closed booth screen")
            return
        if self.session is None:
            self._begin(self.c.session_factory())
        self.show_department("")
        self.bridge.show_screen("home")

    def resume_session(self, store: SessionStore, language: str = "") -> None:
        """The session the booth was in when it restarted, its citizen still in the booth
        (kiosk.booth.resume): the same store, her language, and a word that we are back.
        The screen is left for the resumed item (or the composition root) to set."""
        if self._closed:  # the store stays as it is, for the next start to decide
            log.warning("no session resumed on a closed booth screen")
            return
        if self.session is not None:
            raise RuntimeError("a session is running already")
        if language and language != self.bridge.language:
            self.set_language(language)
        self._begin(store)
        self.show_resumed()
        log.info("session resumed after a restart")

    def show_resumed(self) -> None:
        """Tell her, under the screen she is back at, that the booth carries on."""
        self.bridge.show_caption(resumed_caption())

    def _begin(self, store: SessionStore) -> None:
        if self.session is None:
            self.session = store
            self.idle = IdleTimer(
                self.config.idle_timeout_s, self.config.idle_warning_s, self.clock.monotonic()
            )
            self._warned = False
            self._session_started = self.clock.monotonic()
            self.idle_ticker.start()
            self.bridge.session_active = True
            self.bridge.session_changed.emit(True)
            log.info("session started")
            self._tick_clock()

    def end_session(self, reason: str) -> None:
        """Wipe everything of the citizen and go back to the attract screen."""
        had_session = self.session is not None
        self._wipe()
        self.bridge.session_active = False
        self.bridge.session_changed.emit(False)
        self.bridge.show_caption("")
        home = self.window.screens["home"]
        search = getattr(home, "search", None)
        if search is not None:
            search.clear()
        if self.bridge.elderly:
            self.set_elderly(False)
        if self.bridge.language != self.config.language:
            self.set_language(self.config.language)
        self.bridge.show_screen("attract")
        self._tick_clock()
        if had_session:
            log.info("session ended (%s)", reason)
            self.bridge.session_ended.emit(reason)

    def _wipe(self) -> None:
        self._session_started = None
        self.bridge.waiting_for_clerk = False
        self.idle_ticker.stop()
        self.idle = None
        if self._warned:
            self._warned = False
            self.bridge.idle_cleared.emit()
        if self.session is not None:
            session, self.session = self.session, None
            session.wipe()

    def note_activity(self) -> None:
        if self.idle is not None:
            self.idle.activity(self.clock.monotonic())

    def _call_changed(self, view: CallView) -> None:
        """Waiting for a clerk pauses the idle reset: the session is not wiped after
        ``idle_timeout_s`` untouched but asked "still waiting?" every ``waiting_check_s``
        (the same countdown: no answer means she left, and the session ends)."""
        waiting = view.state == "waiting"
        if waiting == self.bridge.waiting_for_clerk:
            return
        self.bridge.waiting_for_clerk = waiting
        if self.idle is None:
            return
        timeout = self.config.waiting_check_s if waiting else self.config.idle_timeout_s
        self.idle = IdleTimer(timeout, self.config.idle_warning_s, self.clock.monotonic())
        if self._warned:
            self._warned = False
            self.bridge.idle_cleared.emit()

    def more_time(self) -> None:
        if self.idle is not None:
            self.idle.extend(self.clock.monotonic())
            self.check_idle()

    def check_idle(self) -> None:
        """Compare the idle time with the limits; called by a timer (or a test)."""
        if self.idle is None:
            return
        now = self.clock.monotonic()
        phase = self.idle.poll(now)
        if phase is IdlePhase.EXPIRED:
            self.end_session("idle")
        elif phase is IdlePhase.WARNING:
            self._warned = True
            self.bridge.idle_warning.emit(self.idle.seconds_left(now))
        elif self._warned:
            self._warned = False
            self.bridge.idle_cleared.emit()

    # --- the operator (kiosk.ui.lockdown) -----------------------------------------------
    def _operator_arrived(self) -> None:
        # An operator never works inside a citizen's session: wipe it first.
        if self.session is not None:
            self.end_session("operator")

    def quit_app(self) -> None:
        """The operator left the app: ``run_booth`` wipes and stops on ``aboutToQuit``."""
        QCoreApplication.quit()

    # --- intents handed to collaborators -------------------------------------------------
    def _on_service_start(self, code: str) -> None:
        if self.c.start_service is not None:
            self.run_service(code)
        else:
            self._queue_for_clerk(self.bridge.catalog.service(code).department)

    def _on_clerk(self, department: str) -> None:
        if self.session is None:
            self.start_session()
        self._queue_for_clerk(department)

    def _queue_for_clerk(self, department: str) -> None:
        name = self.bridge.catalog.department(department).name if department else None
        self.bridge.show_call(CallView("waiting", department=name or None))
        if self.c.request_clerk is not None:
            self.request_clerk(department)

    def _on_hangup(self) -> None:
        if self.c.end_call is not None:
            self.hang_up()
        self.bridge.show_call(CallView("ended"))
        self.go_home()

    @qasync.asyncSlot(str)  # type: ignore[untyped-decorator]
    async def run_service(self, code: str) -> None:
        assert self.c.start_service is not None
        await self.c.start_service(code)

    @qasync.asyncSlot(str)  # type: ignore[untyped-decorator]
    async def request_clerk(self, department: str) -> None:
        assert self.c.request_clerk is not None
        await self.c.request_clerk(department)

    @qasync.asyncSlot()  # type: ignore[untyped-decorator]
    async def hang_up(self) -> None:
        assert self.c.end_call is not None
        await self.c.end_call()

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self.errors.handle(task.exception())  # type: ignore[arg-type]

    def _tick_clock(self) -> None:
        started = self._session_started
        elapsed = -1 if started is None else int(self.clock.monotonic() - started)
        self.bridge.session_elapsed.emit(elapsed)
        self.bridge.clock_changed.emit(self.clock.now())
        self._tick_door()

    def _tick_door(self) -> None:
        """Show the door's QR code with the current code (none during a session: the
        door does not open then); redrawn only when the address changes."""
        link = self.c.door_link() if self.c.door_link is not None else ""
        link = "" if self.session is not None else link
        if link != self._door_link:
            self._door_link = link
            self.bridge.door_link_changed.emit(link)


__all__ = ["BoothCollaborators", "BoothUi", "ConnectionSource", "Plain", "SessionStore"]
