"""Joining the microphone's recognizer to the digital clerk.

:class:`VoiceSession` receives the recognizer's events (in the recognizer's thread),
passes them to the :class:`~kiosk.speech.clerk.DigitalClerk`, hands each reply to the
UI's callback, and after each reply restricts the recognizer to what the clerk expects
next (a grammar of the dialogue's answers, ``[unk]`` added when the model has it), or
lets it recognise freely when the citizen may ask anything. Typed text goes through
:meth:`type_text` to the same clerk, under the same lock, so voice and touch can be mixed
in one conversation.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Protocol

from kiosk.speech.clerk import ClerkReply, DigitalClerk
from kiosk.speech.grammar import build_grammar


class GrammarTarget(Protocol):
    def set_grammar(self, phrases: Sequence[str] | None) -> None: ...


class VoiceSession:
    def __init__(
        self,
        clerk: DigitalClerk,
        recognizer: GrammarTarget | None,
        on_reply: Callable[[ClerkReply], None],
        *,
        model_has_unk: bool = True,
    ) -> None:
        self.clerk = clerk
        self._recognizer = recognizer
        self._on_reply = on_reply
        self._unk = model_has_unk
        self._lock = threading.Lock()

    def on_event(self, event: object) -> None:
        """Give this to :class:`StreamingRecognizer` as its ``on_event``."""
        with self._lock:
            reply = self.clerk.on_recognition_event(event)
        if reply is not None:
            self._deliver(reply)

    def type_text(self, text: str) -> ClerkReply:
        """The citizen typed ``text`` (or there is no microphone): the same path."""
        with self._lock:
            reply = self.clerk.hear(text)
        self._deliver(reply)
        return reply

    def _deliver(self, reply: ClerkReply) -> None:
        if self._recognizer is not None:
            grammar = build_grammar(reply.expected, unk=self._unk) if reply.expected else None
            self._recognizer.set_grammar(grammar)
        self._on_reply(reply)
