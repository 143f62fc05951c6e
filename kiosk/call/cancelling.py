"""Stopping a background task for sure, even when a library swallows its cancellation.

A task that loops over signaling messages hands each to a peer link, which may be deep
inside aiortc or aioice when the task is cancelled. Several of their cleanup paths
cancel a task of their own and then ``except CancelledError: pass`` (aioice's
``Connection.close`` does so around its consent task): when the outer cancellation
lands there, it is swallowed, the loop goes back to waiting for the next message, and
whoever awaits the cancelled task waits forever on an idle event loop. That was the
"stall" of the network-cut tests (a pump task shown as ``cancelling`` yet waiting on
its inbox again).

:func:`cancel_and_wait` cancels again until the task is done. It never swallows the
caller's own cancellation: it waits on a future of its own, which does not raise the
task's outcome but does raise when the caller itself is cancelled.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger(__name__)


async def cancel_and_wait(task: asyncio.Future[Any] | None, retry_s: float = 2.0) -> None:
    """Cancel ``task`` and return once it is done, cancelling again every ``retry_s``.

    Its result is dropped; an exception it ended with is logged, not raised. Does
    nothing for ``None`` or the current task.
    """
    if task is None:
        return
    loop = task.get_loop()
    # (not asyncio.wait: a stopping qasync loop still steps tasks, with no running loop)
    if task is asyncio.current_task(loop):
        return
    while not task.done():
        task.cancel()
        woken = loop.create_future()

        def wake(_: object = None, woken: asyncio.Future[None] = woken) -> None:
            if not woken.done():
                woken.set_result(None)

        task.add_done_callback(wake)
        timer = loop.call_later(retry_s, wake)
        try:
            await woken  # raises if the caller itself is cancelled
        finally:
            timer.cancel()
            task.remove_done_callback(wake)
        if not task.done():
            log.info("call: %r ignored its cancellation; cancelling it again", task)
    if not task.cancelled() and task.exception() is not None:
        log.warning("call: a stopped task had failed", exc_info=task.exception())
