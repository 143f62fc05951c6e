"""The booth's citizen sessions in the recovery journal (composition-root code).

:class:`~kiosk.backend.recovery.SessionJournal` is how a restarted booth finds the
session it was in the middle of (see kiosk.backend.recovery): this module keeps it up
to date from the UI. A session that starts is noted (its id only); each case it opens is
added (the booth's id of the case, which the outbox maps to the hub's); a session that
ends normally is forgotten, because the UI has wiped it already and the outbox delivers
its writes on its own. A session still noted at start-up was interrupted (a crash, a
power cut, SIGKILL): recovery closes it safely or resumes it. A session whose vault is
durable (a booth that can resume) also has its vault key kept, sealed, in the journal.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

log = logging.getLogger(__name__)


class Journal(Protocol):
    """What the tracker needs of :class:`~kiosk.backend.recovery.SessionJournal`."""

    def begin(self, session_id: str, case_ids: tuple[str, ...] = ()) -> None: ...

    def add_case(self, session_id: str, case_id: str) -> None: ...

    def closed(self, session_id: str) -> None: ...

    def keep_vault_key(self, session_id: str, key: bytes) -> None: ...


class SessionTracker:
    """Notes the UI's citizen sessions and their cases in the journal."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal
        self._ui: Any = None
        self.current: str | None = None  # the session id being noted

    def attach(self, ui: Any) -> None:
        """Follow ``ui``'s sessions (``BoothUi``: its bridge's ``session_changed``)."""
        self._ui = ui
        ui.bridge.session_changed.connect(self._changed)
        if ui.session is not None:
            self._changed(True)

    def add_case(self, session_id: str, case_id: str) -> None:
        """The session opened (or continues) a case."""
        self._journal.begin(session_id)  # a no-op when noted already
        self._journal.add_case(session_id, case_id)

    def _changed(self, active: bool) -> None:
        session = getattr(self._ui, "session", None)
        if active and session is not None:
            self.current = str(session.session_id)
            self._journal.begin(self.current)
            key = getattr(session, "durable_key", lambda: None)()
            if key is not None:
                self._journal.keep_vault_key(self.current, key)
        elif not active and self.current is not None:
            self._journal.closed(self.current)
            log.info("session %s ended normally; forgotten by the journal", self.current)
            self.current = None
