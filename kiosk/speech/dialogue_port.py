"""The digital clerk as the workflow's ``Dialogue`` port (kiosk.flows.ports.Dialogue).

The workflow's runner calls ``await ask(service)`` when a case needs the clerk's
questions; the conversation then runs on what the citizen says or types, delivered by
:meth:`ClerkDialogue.hear` from any thread (the recognizer's, or the UI's for typed
text). Each reply goes to ``on_reply`` (captions, speech, grammar hint) on the event
loop's thread. ``ask`` returns the filled form fields by the catalog's keys; when the
conversation hands over to a human, ``on_handoff`` gets the reply (with the transcript)
and ``ask`` returns what was filled so far.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping

from kiosk.core.catalog import Catalog
from kiosk.speech.answering import Answerer
from kiosk.speech.clerk import ClerkReply, turn_reply
from kiosk.speech.tts import TextToSpeech
from kiosk.speech.withdrawal_dialogue import PURPOSE_SERVICE, Turn, WithdrawalDialogue


class ClerkDialogue:
    def __init__(
        self,
        catalog: Catalog,
        answerer: Answerer,
        on_reply: Callable[[ClerkReply], None],
        on_handoff: Callable[[ClerkReply], None] | None = None,
        tts: TextToSpeech | None = None,
        lang: str = "zh_CN",
        elderly: bool = False,
    ) -> None:
        self._catalog = catalog
        self._answerer = answerer
        self._on_reply = on_reply
        self._on_handoff = on_handoff
        self._tts = tts
        self.lang = lang
        self.elderly = elderly
        self._utterances: asyncio.Queue[str] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def listening(self) -> bool:
        return self._utterances is not None

    def hear(self, text: str) -> None:
        """What the citizen said or typed; safe to call from any thread."""
        loop, utterances = self._loop, self._utterances
        if loop is None or utterances is None:
            return  # no conversation running: the UI answers questions itself
        loop.call_soon_threadsafe(utterances.put_nowait, text)

    async def ask(self, service: str) -> Mapping[str, str]:
        if service not in PURPOSE_SERVICE.values():
            return {}  # the clerk has no questions for this service
        dialogue = WithdrawalDialogue(self._catalog, self.lang, answer=self._answerer.ask)
        self._loop = asyncio.get_running_loop()
        self._utterances = asyncio.Queue()
        try:
            turn = dialogue.start_for(service)
            self._deliver(turn)
            while not (turn.done or turn.handoff):
                turn = dialogue.handle(await self._utterances.get())
                reply = self._deliver(turn)
                if turn.handoff and self._on_handoff is not None:
                    self._on_handoff(reply)
            return turn.draft.answers()
        finally:
            self._utterances = None
            self._loop = None

    def _deliver(self, turn: Turn) -> ClerkReply:
        speech = self._tts.say(turn.reply, self.lang, elderly=self.elderly) if self._tts else None
        reply = turn_reply(turn, speech)
        self._on_reply(reply)
        return reply
