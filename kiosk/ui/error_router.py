"""Every unhandled failure lands on the error screen, never as a traceback to a citizen.

Exceptions reach us three ways: raised in a qasync ``asyncSlot`` (qasync passes them to
``sys.excepthook``), raised in a plain slot or Qt virtual method (PySide6 also calls
``sys.excepthook``), or left in an asyncio task nobody awaited (the loop's exception
handler). The router hooks all three, logs the error (the MaskingFilter hides ID numbers)
and shows the translated message for the error's ``code``.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any

from kiosk.core.errors import XiaowuError

log = logging.getLogger(__name__)


def error_code(exc: BaseException) -> str:
    return exc.code if isinstance(exc, XiaowuError) else "internal"


class ErrorRouter:
    def __init__(self, show_error: Callable[[str], None]) -> None:
        self._show_error = show_error
        self._previous_hook: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._handling = False
        self.last_code: str | None = None

    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._previous_hook = sys.excepthook
        sys.excepthook = self.excepthook
        if loop is not None:
            self._loop = loop
            loop.set_exception_handler(self._loop_handler)

    def uninstall(self) -> None:
        if self._previous_hook is not None and sys.excepthook == self.excepthook:
            sys.excepthook = self._previous_hook
        self._previous_hook = None
        if self._loop is not None and not self._loop.is_closed():
            self._loop.set_exception_handler(None)
        self._loop = None

    def excepthook(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt) and self._previous_hook is not None:
            self._previous_hook(exc_type, exc, tb)
            return
        self.handle(exc)

    def handle(self, exc: BaseException) -> None:
        code = error_code(exc)
        self.last_code = code
        log.error("unhandled %s (%s)", type(exc).__name__, code, exc_info=exc)
        if self._handling:  # the error screen itself failed: do not loop
            return
        self._handling = True
        try:
            self._show_error(code)
        except Exception:
            log.exception("could not show the error screen")
        finally:
            self._handling = False

    def _loop_handler(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, Exception):
            self.handle(exc)
        else:
            log.error("asyncio: %s", context.get("message"))
