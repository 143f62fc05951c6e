"""The digital clerk (数字业务员): questions, the withdrawal conversation, speech out.

One :class:`DigitalClerk` per conversation of ``kiosk ask``. Everything the citizen says reaches
:meth:`DigitalClerk.hear` as text, whether it was recognised from the microphone
(:meth:`on_recognition_event` turns a final result into ``hear``) or typed on the
touchscreen: a booth without a speech model or microphone runs the very same
conversation. Each reply carries its caption, the spoken audio with its envelope (when
speech out works), the knowledge-base answer or dialogue turn behind it, and, on
handoff, the transcript for the human clerk. The workflow takes the finished case draft
from :attr:`ClerkReply.draft`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.speech.answering import Answer, Answerer
from kiosk.speech.barge_in import BargeIn
from kiosk.speech.recognizer import FinalResult, PartialResult
from kiosk.speech.spoken_values import sounds_like
from kiosk.speech.tts import SpokenText, TextToSpeech
from kiosk.speech.withdrawal_dialogue import Turn, WithdrawalDialogue, purpose_in

GREETING = {
    "zh_CN": "您好，我是数字业务员，请问有什么可以帮您？您可以直接问我，或者说“我要提取公积金”。",
    "en": "Hello, I am the digital clerk. How can I help? Ask me a question, or say you "
    "want to withdraw from your housing provident fund.",
    "zh_HK": "您好，我是數碼業務員，請問有甚麼可以幫您？您可以直接問我，或者說「我要提取公積金」。",
}
_WITHDRAW_WORDS = ("提取", "取公积金", "提公积金", "取出来", "拿出来")
_WANT_WORDS = ("我要", "我想", "想要", "办理", "办", "申请", "帮我")


@dataclass(frozen=True, slots=True)
class ClerkReply:
    """What the clerk says and does in answer to one utterance."""

    caption: str  # always shown on screen
    speech: SpokenText | None = None  # audio + envelope, None without speech out
    answer: Answer | None = None
    turn: Turn | None = None
    handoff: bool = False
    transcript: tuple[str, ...] = ()  # on handoff, for the human clerk
    draft: dict[str, Any] | None = None  # the case draft once the conversation is done
    expected: tuple[str, ...] = ()  # grammar hint for the next utterance

    def to_json(self) -> dict[str, Any]:
        return {
            "caption": self.caption,
            "audio": str(self.speech.path) if self.speech and self.speech.path else None,
            "topic": self.answer.topic if self.answer else None,
            "source": self.answer.source if self.answer else None,
            "step": self.turn.step.value if self.turn else None,
            "handoff": self.handoff,
            "draft": self.draft,
            "clarify": [c.to_json() for c in self.answer.clarify] if self.answer else [],
        }


def turn_reply(turn: Turn, speech: SpokenText | None) -> ClerkReply:
    """The reply that says one turn of the withdrawal conversation (with the case draft once
    it is done or handed over); the booth's dialogue port and ``kiosk ask`` alike."""
    return ClerkReply(
        caption=turn.reply,
        speech=speech,
        turn=turn,
        answer=turn.answer,
        handoff=turn.handoff,
        transcript=turn.transcript,
        draft=turn.draft.to_json() if turn.done or turn.handoff else None,
        expected=turn.expected,
    )


class DigitalClerk:
    """The clerk of ``kiosk ask``: free questions, and the withdrawal conversation when the
    citizen asks for it. On the booth the same pieces are split by where they run: the
    assistant screen answers free questions (kiosk.booth.voice) and the workflow runs the
    conversation through :class:`~kiosk.speech.dialogue_port.ClerkDialogue`."""

    def __init__(
        self,
        answerer: Answerer,
        new_dialogue: Callable[[str], WithdrawalDialogue],
        tts: TextToSpeech | None = None,
        lang: str = "zh_CN",
        elderly: bool = False,
        barge_in: BargeIn | None = None,
    ) -> None:
        self._answerer = answerer
        self._new_dialogue = new_dialogue
        self._tts = tts
        self.lang = lang
        self.elderly = elderly
        self._barge_in = barge_in
        self.dialogue: WithdrawalDialogue | None = None
        self.heard: list[str] = []
        self._asked: Answer | None = None  # the last answer, when it asked back
        self.live_caption = ""  # the citizen's partial words while speaking

    def greet(self) -> ClerkReply:
        return self._reply(GREETING.get(self.lang, GREETING["zh_CN"]))

    def start_withdrawal(self) -> ClerkReply:
        """The citizen chose the withdrawal (by touch, or by saying so)."""
        self.dialogue = self._new_dialogue(self.lang)
        return self._say(self.dialogue.start())

    def hear(self, text: str) -> ClerkReply:
        """The citizen said or typed ``text``."""
        self.live_caption = ""
        self.heard.append(text)
        if self.dialogue is not None:
            return self._say(self.dialogue.handle(text))
        if _wants_withdrawal(text):
            self.dialogue = self._new_dialogue(self.lang)
            turn = self.dialogue.start(introduce=False)
            if purpose_in(text) is not None:  # "我要提取公积金交房租" answers the first question
                turn = self.dialogue.handle(text)
            return self._say(turn)
        answer = self._answerer.ask(text, self.lang, after=self._asked)
        self._asked = answer if answer.clarify else None  # a choice may come next
        return self._reply(
            answer.answer,
            answer=answer,
            handoff=answer.handoff,
            transcript=tuple(self.heard) if answer.handoff else (),
        )

    def on_recognition_event(self, event: object) -> ClerkReply | None:
        """Feed the recognizer's events (from the UI's thread): partial text becomes the
        live caption, speech interrupts the clerk, a final result is heard."""
        if self._barge_in is not None:
            self._barge_in.on_event(event)
        if isinstance(event, PartialResult):
            self.live_caption = event.text
            return None
        if isinstance(event, FinalResult) and event.text.strip():
            return self.hear(event.text)
        return None

    def expected_phrases(self) -> tuple[str, ...]:
        """What the recognizer's grammar should favour now (empty: free questions)."""
        if self.dialogue is not None and self.dialogue.step.value not in ("done", "handoff"):
            return self.dialogue.expected_phrases()
        return ()

    def _speak(self, caption: str) -> SpokenText | None:
        return self._tts.say(caption, self.lang, elderly=self.elderly) if self._tts else None

    def _say(self, turn: Turn) -> ClerkReply:
        return turn_reply(turn, self._speak(turn.reply))

    def _reply(self, caption: str, **fields: Any) -> ClerkReply:
        return ClerkReply(
            caption=caption, speech=self._speak(caption), expected=self.expected_phrases(), **fields
        )


def _wants_withdrawal(text: str) -> bool:
    """ "我要提取公积金" starts the withdrawal; "提取公积金要什么材料" is a question."""
    asks = any(w in text for w in ("什么", "吗", "多少", "怎么", "哪些", "多久", "几"))
    return (
        not asks
        and sounds_like(text, "公积金")
        and any(w in text for w in _WITHDRAW_WORDS)
        and any(w in text for w in _WANT_WORDS)
    )
