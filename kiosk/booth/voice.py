"""The digital clerk's voice on the booth: speech out, the avatar's mouth, the microphone.

Composition-root level (it may import every part). :class:`BoothVoice` attaches to the
booth's UI and joins, through the bridge's signals:

- speech out: every clerk turn of the assistant screen (``assistant_turn`` "clerk"), and
  every message a screen announces (``announced``: the outcome on the done screen), is
  synthesized by espeak-ng (``kiosk.speech.tts``, in a worker thread, in the UI language,
  slower and louder in elderly mode) and played by ``kiosk.speech.playback.SpeechPlayer``
  into the loudspeaker (``kiosk.ui.speech_out.QtAudioOut``), or into a
  :class:`~kiosk.speech.playback.ClockedOutput` when the booth has no audio output, so the
  captions and the mouth still run in time. The caption is put back on screen when the
  sound starts; the avatar's mouth follows the level (``assistant_level``).
- speech in: the microphone (``kiosk.ui.qt_media.QtMicrophone`` brought to 16 kHz, or a
  WAV file: ``kiosk.speech.microphone``) feeds the vosk
  :class:`~kiosk.speech.recognizer.StreamingRecognizer` (its own thread, endpointing);
  partial text goes to ``assistant_partial``; a final result becomes the citizen's turn
  and ``assistant_answered``, exactly as if it had been typed. The grammar follows what
  the clerk expects next (``assistant_expected``). Speech that starts while the clerk
  talks stops the clerk (barge-in, ``kiosk.speech.barge_in``).
- listening: ``[speech] listen`` = "tap" (tap the microphone button for one utterance),
  "hold" (push to talk), "always" (listening while the assistant screen is shown) or
  "off". Without a model or a microphone the button is hidden and the citizen types.
- questions outside a service: text heard or typed on the assistant screen while no
  service conversation runs is answered from the knowledge base (``answer``).
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kiosk.config import Config
from kiosk.core.clock import Clock
from kiosk.core.errors import XiaowuError
from kiosk.speech.barge_in import BargeIn
from kiosk.speech.grammar import build_grammar, model_has_unk
from kiosk.speech.microphone import Downsampler, Microphone, WavMicrophone
from kiosk.speech.playback import (
    AudioOut,
    ClockedOutput,
    PlaybackEnded,
    PlaybackEvent,
    PlaybackStarted,
    SpeechPlayer,
)
from kiosk.speech.recognizer import FinalResult, PartialResult, StreamingRecognizer
from kiosk.speech.tts import SpokenText, TextToSpeech
from kiosk.speech.vad import VoiceActivityDetector
from kiosk.ui.speech_out import PlaybackDriver
from kiosk.ui.voice_relay import VoiceRelay

log = logging.getLogger(__name__)

LISTEN_MODES = ("off", "tap", "hold", "always")
# The answer to a question: its caption, or the caption of a clarifying question and the
# labels of its choices (shown as buttons; a tapped label comes back as the next question).
AssistantReply = str | tuple[str, tuple[str, ...]]


class QtSpeechMicrophone:
    """The booth's microphone (QtMultimedia, 48 kHz) as a 16 kHz :class:`Microphone`."""

    def __init__(self) -> None:
        self._mic: Any = None

    def start(self, on_pcm: Callable[[bytes], None], on_end: Callable[[], None]) -> None:
        from kiosk.ui.qt_media import QtMicrophone

        down = Downsampler()
        self._mic = QtMicrophone(lambda samples: on_pcm(down(samples)))
        self._mic.start()

    def stop(self) -> None:
        if self._mic is not None:
            self._mic.stop()
            self._mic = None


class BoothVoice:
    def __init__(
        self,
        config: Config,
        clock: Clock,
        *,
        model: Any = None,
        microphone: Microphone | None = None,
        output: AudioOut | None = None,
        tts: TextToSpeech | None = None,
        answer: Callable[[str, str], AssistantReply] | None = None,
        conversation_running: Callable[[], bool] = lambda: False,
        grammar: Sequence[str] | None = None,
    ) -> None:
        self.config = config
        self.speech = config.speech
        self.clock = clock
        self.model = model
        self.microphone = microphone
        self.output = output
        self.tts = tts
        self.answer = answer
        self.conversation_running = conversation_running
        self.default_grammar = tuple(grammar) if grammar is not None else None
        self.mode = self.speech.listen if self.speech.listen in LISTEN_MODES else "tap"
        self.listening = False
        self.recognizer: StreamingRecognizer | None = None
        self.vad = VoiceActivityDetector()
        self.player: SpeechPlayer | None = None
        self.driver: PlaybackDriver | None = None
        self.barge_in: BargeIn | None = None
        self.bridge: Any = None
        self.spoken: list[SpokenText] = []  # what was played (for tests and the log count)
        self._relay = VoiceRelay()
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="speech-out")
        self._answers = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="answers")
        self._sequence = 0
        self._unk = False
        self._closed = False
        self._connections: list[tuple[Any, Callable[..., None]]] = []

    # -- set-up ------------------------------------------------------------------------------

    def attach(self, ui: Any) -> None:
        """Connect to the booth's UI (on the UI thread); the model loads in the background."""
        self.bridge = b = ui.bridge
        if self.tts is None and self.speech.speak:
            tts = TextToSpeech(mandarin_voice=self.speech.voice)
            self.tts = tts if tts.available else None
        if self.output is None:
            self.output = self._default_output()
        self.player = SpeechPlayer(self.output, self.clock.monotonic, self._on_playback)
        self.driver = PlaybackDriver(self.player)
        self.driver.level_changed.connect(b.assistant_level)
        self.barge_in = BargeIn(self.driver, self.vad)
        r = self._relay
        r.recognized.connect(self._on_recognized)
        r.synthesized.connect(self._on_synthesized)
        r.loaded.connect(self._on_loaded)
        r.source_ended.connect(self._on_source_ended)
        r.answered.connect(self._on_answer)
        self._connections = [
            (b.assistant_turn, self._on_turn),
            (b.announced, self.say),  # a screen's message (the done screen's outcome)
            (b.assistant_answered, self._on_answered),
            (b.assistant_expected, self._on_expected),
            (b.listen_requested, self.listen),
            (b.screen_changed, self._on_screen),
            (b.session_changed, self._on_session),
        ]
        for signal, slot in self._connections:
            signal.connect(slot)
        if self.mode == "off" or not self.speech.enabled:
            self._set_voice("off")
        elif self.model is not None:
            self._on_loaded(self.model)
        else:
            self._set_voice("off")
            self._load_model()

    def _default_output(self) -> AudioOut:
        from kiosk.ui.speech_out import QtAudioOut, has_audio_output

        if has_audio_output():
            return QtAudioOut()
        log.warning("no audio output: the clerk's speech is shown as captions only")
        return ClockedOutput(self.clock.monotonic)

    def _load_model(self) -> None:
        from kiosk.speech.models import find_model

        path = find_model(self.speech, self.config.booth)
        if path is None:
            log.info("no speech model installed: the digital clerk works by touch and text")
            return

        def load() -> None:
            from kiosk.speech.recognizer import SpeechModel

            try:
                model = SpeechModel(path)
                model.warm_up()
                self._relay.loaded.emit(model)
            except Exception as exc:  # reported, not raised: the booth falls back to text
                self._relay.loaded.emit(exc)

        threading.Thread(target=load, name="speech-model", daemon=True).start()

    def _on_loaded(self, model: Any) -> None:
        if self._closed:
            return
        if isinstance(model, BaseException):
            log.error("speech model unavailable: %s", model)
            return
        self.model = model
        path = getattr(model, "path", None)
        self._unk = model_has_unk(Path(path)) if path is not None else False
        self.recognizer = StreamingRecognizer(
            model, self._relay.recognized.emit, grammar=self.default_grammar, vad=self.vad
        )
        self.recognizer.start()
        if self.microphone is None:
            self.microphone = (
                WavMicrophone(Path(self.speech.microphone), paced=True)
                if self.speech.microphone
                else QtSpeechMicrophone()
            )
        self._set_voice(self.mode)
        if self.mode == "always" and self.bridge.screen == "assistant":
            self.listen(True, interrupt=False)

    def close(self) -> None:
        """Stop listening and speaking, and let go of the UI (safe to call twice)."""
        if self._closed:
            return
        self.listen(False)
        self._closed = True
        for signal, slot in self._connections:
            signal.disconnect(slot)
        self._connections = []
        self.stop_speaking()
        if self.recognizer is not None:
            self.recognizer.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._answers.shutdown(wait=False, cancel_futures=True)

    # -- speech out --------------------------------------------------------------------------

    def say(self, text: str) -> None:
        """Speak ``text`` in the UI's language (synthesized off the UI thread)."""
        if self.tts is None or not text:
            return
        self._sequence += 1
        sequence, tts = self._sequence, self.tts
        lang, elderly = self.bridge.language, self.bridge.elderly

        def synthesize() -> None:
            spoken = tts.say(text, lang, elderly=elderly)
            self._relay.synthesized.emit(sequence, spoken)

        self._pool.submit(synthesize)

    def _on_turn(self, who: str, text: str) -> None:
        if who == "clerk":
            self.say(text)

    def _on_synthesized(self, sequence: int, spoken: SpokenText) -> None:
        if self._closed or sequence != self._sequence or self.player is None or self.driver is None:
            return  # a newer turn, or the session ended meanwhile
        self.spoken.append(spoken)
        if self.player.play(spoken):
            self.driver.started()

    def _on_playback(self, event: PlaybackEvent) -> None:
        assert self.barge_in is not None
        if isinstance(event, PlaybackStarted):
            self.bridge.show_caption(event.caption)  # captions on screen while it speaks
            self.barge_in.speech_started()
        elif isinstance(event, PlaybackEnded):
            self.barge_in.speech_finished()

    def stop_speaking(self) -> None:
        self._sequence += 1  # drop what is being synthesized
        if self.driver is not None:
            self.driver.stop()

    # -- speech in ---------------------------------------------------------------------------

    def listen(self, on: bool, *, interrupt: bool = True) -> None:
        """Start or stop listening: the microphone button (the clerk stops talking to let
        the citizen speak), or the assistant screen in "always" mode (``interrupt``
        False: barge-in stops the clerk once the citizen really speaks)."""
        if on and not self.listening and self.recognizer is not None and self.microphone:
            if interrupt:
                self.stop_speaking()
            recognizer = self.recognizer
            try:
                self.microphone.start(recognizer.feed, self._relay.source_ended.emit)
            except XiaowuError as exc:
                log.error("microphone unavailable: %s", exc.code)
                self.mode = "off"
                self._set_voice("off")
                return
            self.listening = True
            self._set_voice("listening" if self.mode != "always" else "always")
        elif not on and self.listening:
            self.listening = False
            if self.microphone is not None:
                self.microphone.stop()
            if self.recognizer is not None:
                self.recognizer.end_of_stream()  # an utterance still open ends here
            self._set_voice("tap" if self.mode == "always" else self.mode)

    def _on_source_ended(self) -> None:
        if self.listening and not self._closed:
            self.listen(False)

    def _on_recognized(self, event: object) -> None:
        assert self.barge_in is not None
        if self._closed:
            return
        self.barge_in.on_event(event)
        if isinstance(event, PartialResult):
            self.bridge.assistant_partial.emit(event.text)
        elif isinstance(event, FinalResult):
            self.bridge.assistant_partial.emit("")
            if not event.text.strip():
                return
            if self.mode == "tap" and self.listening:
                self.listen(False)  # tap to talk: one utterance per tap
            log.info("heard an utterance (%d characters)", len(event.text))  # not its text
            self.bridge.say_assistant("citizen", event.text)
            self.bridge.assistant_answered.emit(event.text)

    def _on_expected(self, phrases: tuple[str, ...]) -> None:
        if self.recognizer is None:
            return
        if phrases:
            self.recognizer.set_grammar(build_grammar(phrases, unk=self._unk))
        else:
            self.recognizer.set_grammar(self.default_grammar)

    # -- questions outside a service ----------------------------------------------------------

    def _on_answered(self, text: str) -> None:
        if self.answer is None or self.conversation_running():
            return
        answer, lang = self.answer, self.bridge.language

        def ask() -> None:
            try:
                self._relay.answered.emit(answer(text, lang))
            except Exception:  # a broken knowledge base must not end the conversation
                log.exception("answering a question failed")

        self._answers.submit(ask)

    def _on_answer(self, reply: AssistantReply) -> None:
        if not self._closed and self.bridge.session_active and not self.conversation_running():
            text, choices = reply if isinstance(reply, tuple) else (reply, ())
            self.bridge.say_assistant("clerk", text, choices)

    # -- the screen ---------------------------------------------------------------------------

    def _on_screen(self, name: str) -> None:
        if name == "assistant":
            if self.mode == "always" and self.recognizer is not None:
                self.listen(True, interrupt=False)
        elif self.listening:
            self.listen(False)

    def _on_session(self, active: bool) -> None:
        if not active:  # the citizen left: silence, and nothing of him kept
            self.listen(False)
            self.stop_speaking()
            self.spoken.clear()

    def _set_voice(self, state: str) -> None:
        if self.bridge is not None:
            self.bridge.assistant_voice.emit(state)


def attach_voice(booth: Any, ui: Any) -> BoothVoice:
    """The voice of ``booth`` (``kiosk.booth.root.Booth``), attached to its UI: questions asked
    outside a service are answered from the knowledge base, and "ask the digital clerk"
    (no clerk free on video) opens the assistant screen with a greeting."""
    from kiosk.speech.clerk import GREETING

    answerers: list[Any] = []  # one AskingBack: a tapped choice answers the question before

    def answer(text: str, lang: str) -> AssistantReply:
        if not answerers:  # loaded on the first question, in the answering thread
            from kiosk.speech.answering import Answerer, AskingBack
            from kiosk.speech.knowledge import load_knowledge_base

            initial = getattr(booth, "initial_catalog", None)
            catalog = initial() if initial is not None else None
            answerers.append(AskingBack(Answerer(load_knowledge_base(), catalog=catalog)))
        return assistant_reply(answerers[0].ask(text, lang))

    voice = BoothVoice(
        booth.config,
        booth.clock,
        answer=answer,
        conversation_running=lambda: booth.service_runner is not None,
    )
    voice.attach(ui)

    def digital_clerk(_department: str) -> None:
        bridge = ui.bridge
        bridge.show_assistant()
        bridge.say_assistant("clerk", GREETING.get(bridge.language, GREETING["zh_CN"]))

    booth.call.on_digital_clerk = digital_clerk

    def forget(active: bool) -> None:
        if not active and answerers:  # the next citizen's words answer nothing of his
            answerers[0].forget()

    ui.bridge.session_changed.connect(forget)
    return voice


def assistant_reply(answer: Any) -> AssistantReply:
    """What the assistant screen shows of an :class:`~kiosk.speech.answering.Answer`."""
    if answer.clarify:
        return str(answer.answer), tuple(c.label for c in answer.clarify)
    return str(answer.answer)
