"""Fixtures of the call tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _flush_qt_deferred_deletes() -> Iterator[None]:
    """Let Qt delete what earlier event loops left for later (their socket notifiers).

    Without this, a qasync test that ran a TCP server stalled the next test's UDP
    sockets (a loopback relay and aiortc peers never heard a packet).
    """
    yield
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent

    gc.collect()
    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()
