"""Stopping tasks whose cancellation a library swallows, and closing a link for sure."""

from __future__ import annotations

import asyncio

import pytest

from kiosk.call.cancelling import cancel_and_wait
from kiosk.call.signaling import crossed_signaling
from tests.call.peers import (
    two_party_call,
    wait_until,
)


async def _swallows_one_cancel(inbox: asyncio.Event, started: asyncio.Event) -> None:
    """Like a signaling pump inside aioice's Connection.close(): the cleanup cancels a
    task of its own and ``except CancelledError: pass`` eats the pump's cancel too; then
    the pump goes back to waiting for its next message."""
    cleanup = asyncio.ensure_future(asyncio.Event().wait())
    started.set()
    try:
        await cleanup
    except asyncio.CancelledError:
        cleanup.cancel()
    await inbox.wait()


async def test_a_swallowed_cancel_leaves_a_plain_cancel_waiting_for_ever() -> None:
    """The mechanism of the old stall: cancel once, then await, never returns."""
    inbox, started = asyncio.Event(), asyncio.Event()
    task = asyncio.ensure_future(_swallows_one_cancel(inbox, started))
    await started.wait()
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=0.5)
    assert not done and task.cancelling()  # "cancelling", yet waiting on its inbox
    inbox.set()
    await task


async def test_cancel_and_wait_cancels_again_until_the_task_is_done() -> None:
    inbox, started = asyncio.Event(), asyncio.Event()
    task = asyncio.ensure_future(_swallows_one_cancel(inbox, started))
    await started.wait()
    await asyncio.wait_for(cancel_and_wait(task, retry_s=0.1), 5)
    assert task.cancelled()


async def test_cancel_and_wait_does_not_swallow_its_callers_cancel() -> None:
    inbox, started = asyncio.Event(), asyncio.Event()
    stubborn = asyncio.ensure_future(_swallows_one_cancel(inbox, started))
    await started.wait()

    async def stopper() -> None:
        await cancel_and_wait(stubborn, retry_s=60.0)

    caller = asyncio.ensure_future(stopper())
    await wait_until(lambda: stubborn.cancelling(), 5, "the first cancel")
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    await cancel_and_wait(stubborn, retry_s=0.1)


async def test_a_close_cut_short_by_its_callers_cancel_still_frees_the_connection() -> None:
    booth_port, clerk_port = crossed_signaling()
    async with two_party_call(booth_port, clerk_port) as (booth, _clerk):
        await booth.start()
        await wait_until(lambda: booth.state == "connected", 10, "connected")
        # The connection's release is held at its last stage until the caller has been
        # cancelled (it once raced: a quick release finished before the cancel came).
        dropping, go_on = asyncio.Event(), asyncio.Event()
        drop_pc = booth._drop_pc

        async def held_drop() -> None:
            dropping.set()
            await go_on.wait()
            await drop_pc()

        booth._drop_pc = held_drop  # type: ignore[method-assign]
        closer = asyncio.ensure_future(booth.close())
        await asyncio.wait_for(dropping.wait(), 10)  # the release is under way
        closer.cancel()  # e.g. the task handling a "bye" is cancelled mid-close
        with pytest.raises(asyncio.CancelledError):
            await closer
        assert booth.closed and booth.pc is not None  # not freed yet, still being freed
        go_on.set()
        await asyncio.wait_for(booth.close(), 10)  # waits for the same release
        assert booth.pc is None and booth.state == "closed"
