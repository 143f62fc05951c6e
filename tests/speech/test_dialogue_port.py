"""The clerk as the workflow's Dialogue port: ask(service) runs on heard text."""

from __future__ import annotations

import asyncio
import threading

from kiosk.core.catalog import load_catalog
from kiosk.speech.answering import Answerer
from kiosk.speech.clerk import ClerkReply
from kiosk.speech.dialogue_port import ClerkDialogue
from kiosk.speech.knowledge import load_knowledge_base


def _port(replies: list[ClerkReply], handoffs: list[ClerkReply]) -> ClerkDialogue:
    return ClerkDialogue(
        load_catalog(), Answerer(load_knowledge_base()), replies.append, handoffs.append
    )


async def test_ask_returns_the_form_answers_from_what_was_heard() -> None:
    replies: list[ClerkReply] = []
    port = _port(replies, [])
    task = asyncio.ensure_future(port.ask("hpf-withdrawal-purchase"))
    await asyncio.sleep(0)
    assert port.listening and "提取多少钱" in replies[-1].caption
    # the recognizer's thread delivers speech
    speaker = threading.Thread(
        target=lambda: [port.hear(t) for t in ("一万", "6222021234567890", "带齐了", "对")]
    )
    speaker.start()
    answers = await asyncio.wait_for(task, 30)
    speaker.join()
    assert answers == {"amount": "10000.00", "bank_account": "6222021234567890"}
    assert replies[-1].draft and replies[-1].draft["service"] == "hpf-withdrawal-purchase"
    assert not port.listening


async def test_handoff_returns_what_was_filled_and_tells_the_workflow() -> None:
    replies: list[ClerkReply] = []
    handoffs: list[ClerkReply] = []
    port = _port(replies, handoffs)
    task = asyncio.ensure_future(port.ask("hpf-withdrawal-rent"))
    await asyncio.sleep(0)
    for text in ("两千", "嗯嗯那个", "我也不知道"):
        port.hear(text)
    answers = await asyncio.wait_for(task, 30)
    assert answers == {"amount": "2000.00"}
    assert len(handoffs) == 1 and handoffs[0].transcript == ("两千", "嗯嗯那个", "我也不知道")


async def test_services_without_questions_return_at_once() -> None:
    port = _port([], [])
    assert await port.ask("enterprise-deregistration") == {}
    port.hear("ignored")  # nothing running: dropped
