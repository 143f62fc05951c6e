"""Streaming speech recognition with vosk: one worker thread, endpointing, partial text.

Theory of operation::

    microphone / file --feed(pcm)--> queue --> worker thread
        worker: VoiceActivityDetector decides where an utterance starts and ends;
                while speaking, audio (with a short pre-roll) goes to two vosk
                recognizers side by side: one restricted to a grammar (the dialogue's
                expected answers, the knowledge base's words) and one free;
                partial text is sent as it grows; at the end of speech both give
                their final text and the grammar's is used when its words are
                confident, the free one otherwise. By default the free recognizer
                only runs (on the utterance's buffered audio) when the grammar's
                result is not confident: free decoding of a large graph can be
                slower than real time on the booth's CPU (bench/speech.py), and
                running it on every utterance would delay every answer.
        events --> on_event(event)   (called in the worker thread; the UI's bridge
                                      re-emits them on its own thread)

The model (:class:`SpeechModel`) is loaded once and shared; vosk recognizers are made and
used only inside the worker thread (one recognizer per thread, docs/operations.md). The
microphone and a WAV file take the same path: :meth:`StreamingRecognizer.feed`.
"""

from __future__ import annotations

import collections
import json
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.core.errors import XiaowuError
from kiosk.speech.vad import SpeechEnded, SpeechStarted, VoiceActivityDetector

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
PRE_ROLL_S = 0.3


class SpeechModelError(XiaowuError):
    """The speech model is missing or cannot be loaded."""

    code = "speech_model"


@dataclass(frozen=True, slots=True)
class PartialResult:
    """The text so far of the utterance being spoken."""

    text: str


@dataclass(frozen=True, slots=True)
class FinalResult:
    """One utterance, recognised."""

    text: str  # what to use
    grammar_text: str  # the grammar recognizer's text ("" without a grammar)
    free_text: str  # the free recognizer's text ("" when free recognition is off)
    confidence: float  # mean word confidence of the text used
    used_grammar: bool
    speech_start_s: float  # audio time of the start and end of speech
    speech_end_s: float
    decided_at: float  # monotonic time the result was made (for latency figures)


RecognitionEvent = SpeechStarted | SpeechEnded | PartialResult | FinalResult


class SpeechModel:
    """A vosk model, loaded once at start and kept warm."""

    def __init__(self, path: Path) -> None:
        import vosk

        vosk.SetLogLevel(-2)
        if not (path / "am").is_dir() or not (path / "conf").is_dir():
            raise SpeechModelError(f"{path}: not a vosk model directory (no am/ and conf/)")
        started = time.perf_counter()
        try:
            self.vosk_model = vosk.Model(str(path))
        except Exception as exc:  # vosk raises a bare Exception when loading fails
            raise SpeechModelError(f"{path}: cannot load the model ({exc})") from exc
        self.path = path
        self.load_seconds = time.perf_counter() - started
        log.info("speech model %s loaded in %.1f s", path.name, self.load_seconds)

    def warm_up(self, grammar: Sequence[str] | None = None) -> float:
        """Decode a second of silence so the first citizen does not wait for the model's
        lazy set-up (call once at start, in any thread); returns the seconds it took."""
        import vosk

        started = time.perf_counter()
        args = [json.dumps(list(grammar), ensure_ascii=False)] if grammar else []
        recognizer = vosk.KaldiRecognizer(self.vosk_model, SAMPLE_RATE, *args)
        recognizer.AcceptWaveform(bytes(SAMPLE_RATE * 2))
        recognizer.FinalResult()
        return time.perf_counter() - started


class _Stop:
    pass


@dataclass(frozen=True, slots=True)
class _EndOfStream:
    processed: threading.Event


@dataclass(frozen=True, slots=True)
class _SetGrammar:
    phrases: tuple[str, ...] | None


class StreamingRecognizer:
    """Recognises a stream of 16 kHz mono 16-bit PCM in its own thread."""

    def __init__(
        self,
        model: SpeechModel,
        on_event: Callable[[RecognitionEvent], None],
        *,
        grammar: Sequence[str] | None = None,
        free: bool = True,
        free_always: bool = False,
        vad: VoiceActivityDetector | None = None,
        min_grammar_confidence: float = 0.6,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if grammar is None and not free:
            raise ValueError("a recognizer needs a grammar or free recognition")
        self._model = model
        self._on_event = on_event
        self._grammar = tuple(grammar) if grammar is not None else None
        self._free = free
        self._free_always = free_always
        self._vad = vad or VoiceActivityDetector(SAMPLE_RATE)
        self._min_conf = min_grammar_confidence
        self._monotonic = monotonic
        self._queue: queue.Queue[bytes | _Stop | _EndOfStream | _SetGrammar] = queue.Queue()
        self._thread: threading.Thread | None = None
        self.failure: BaseException | None = None

    # -- the caller's side (any thread) ---------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("already started")
        self._thread = threading.Thread(target=self._run, name="speech-recognizer", daemon=True)
        self._thread.start()

    def feed(self, pcm: bytes) -> None:
        """Audio from the microphone or a file: 16 kHz mono 16-bit little-endian."""
        self._queue.put(bytes(pcm))

    def end_of_stream(self) -> threading.Event:
        """No more audio for now: an utterance still open ends here. The event is set
        once every chunk fed before has been recognised and its results sent."""
        processed = threading.Event()
        self._queue.put(_EndOfStream(processed))
        return processed

    def set_grammar(self, phrases: Sequence[str] | None) -> None:
        """Restrict recognition to ``phrases`` from the next utterance on (None: free only)."""
        self._queue.put(_SetGrammar(tuple(phrases) if phrases is not None else None))

    def stop(self, timeout: float = 5.0) -> None:
        if self._thread is None:
            return
        self._queue.put(_Stop())
        self._thread.join(timeout)
        self._thread = None

    # -- the worker thread ----------------------------------------------------------------

    def _run(self) -> None:
        try:
            _Worker(self).run()
        except BaseException as exc:  # reported, not lost: the UI falls back to text
            self.failure = exc
            log.exception("speech recognizer stopped")


class _Worker:
    """Everything that touches vosk recognizers; lives in the recognizer's thread."""

    def __init__(self, owner: StreamingRecognizer) -> None:
        import vosk

        self._vosk = vosk
        self.o = owner
        self.grammar_rec: Any = None
        self.free_rec: Any = None
        self._make_recognizers(owner._grammar)
        self.pre_roll: collections.deque[bytes] = collections.deque()
        self.pre_roll_bytes = 0
        self.grammar_pieces: list[dict[str, Any]] = []
        self.free_pieces: list[dict[str, Any]] = []
        self.last_partial = ""
        self.speech_start = 0.0
        self.utterance: list[bytes] = []  # audio of the utterance, for a late free pass

    def _make_recognizers(self, grammar: tuple[str, ...] | None) -> None:
        model = self.o._model.vosk_model
        self.grammar_rec = None
        if grammar is not None:
            self.grammar_rec = self._vosk.KaldiRecognizer(
                model, SAMPLE_RATE, json.dumps(list(grammar), ensure_ascii=False)
            )
            self.grammar_rec.SetWords(True)
        if self.o._free and self.free_rec is None:
            self.free_rec = self._vosk.KaldiRecognizer(model, SAMPLE_RATE)
            self.free_rec.SetWords(True)

    def run(self) -> None:
        vad = self.o._vad
        while True:
            item = self.o._queue.get()
            if isinstance(item, _Stop):
                return
            if isinstance(item, _SetGrammar):
                self._make_recognizers(item.phrases)
                continue
            if isinstance(item, _EndOfStream):
                for event in vad.finish():
                    self._emit(event)
                    self._finish_utterance(event.at_s)
                item.processed.set()
                continue
            was_speaking = vad.speaking
            events = vad.feed(item)
            started = any(isinstance(e, SpeechStarted) for e in events)
            if was_speaking and not started:
                self._accept(item)
            for event in events:
                self._emit(event)
                if isinstance(event, SpeechStarted):
                    self.speech_start = event.at_s
                    # Speech at the very start of a stream has no lead-in: give the
                    # decoder the pre-roll of silence it would otherwise have had.
                    missing = int(PRE_ROLL_S * SAMPLE_RATE) * 2 - self.pre_roll_bytes
                    if missing > 0:
                        self._accept(bytes(missing))
                    self.pre_roll.append(item)
                    for chunk in self.pre_roll:
                        self._accept(chunk)
                    self.pre_roll.clear()
                    self.pre_roll_bytes = 0
                elif isinstance(event, SpeechEnded):
                    self._finish_utterance(event.at_s)
            if not vad.speaking and not started:
                self._remember(item)

    def _remember(self, chunk: bytes) -> None:
        self.pre_roll.append(chunk)
        self.pre_roll_bytes += len(chunk)
        limit = int(PRE_ROLL_S * SAMPLE_RATE) * 2
        while self.pre_roll and self.pre_roll_bytes - len(self.pre_roll[0]) >= limit:
            self.pre_roll_bytes -= len(self.pre_roll.popleft())

    def _free_streams(self) -> bool:
        return self.free_rec is not None and (self.grammar_rec is None or self.o._free_always)

    def _accept(self, chunk: bytes) -> None:
        if self.grammar_rec is not None and not self.o._free_always:
            self.utterance.append(chunk)
        for rec, pieces in (
            (self.grammar_rec, self.grammar_pieces),
            (self.free_rec if self._free_streams() else None, self.free_pieces),
        ):
            if rec is not None and rec.AcceptWaveform(chunk):
                pieces.append(json.loads(rec.Result()))
        primary = self.grammar_rec or self.free_rec
        partial = json.loads(primary.PartialResult()).get("partial", "")
        pieces = self.grammar_pieces if self.grammar_rec else self.free_pieces
        text = " ".join([*(p.get("text", "") for p in pieces), partial]).strip()
        if text and text != self.last_partial:
            self.last_partial = text
            self._emit(PartialResult(text))

    def _finish_utterance(self, end_s: float) -> None:
        grammar_text, grammar_conf = self._close(self.grammar_rec, self.grammar_pieces)
        confident = bool(grammar_text) and grammar_conf >= self.o._min_conf
        free_text, free_conf = "", 0.0
        if self._free_streams():
            free_text, free_conf = self._close(self.free_rec, self.free_pieces)
        elif self.free_rec is not None and not confident:
            for chunk in self.utterance:  # the late free pass
                if self.free_rec.AcceptWaveform(chunk):
                    self.free_pieces.append(json.loads(self.free_rec.Result()))
            free_text, free_conf = self._close(self.free_rec, self.free_pieces)
        self.utterance.clear()
        use_grammar = (
            self.grammar_rec is not None
            and bool(grammar_text)
            and (confident or self.free_rec is None)
        )
        text, conf = (grammar_text, grammar_conf) if use_grammar else (free_text, free_conf)
        self.last_partial = ""
        self._emit(
            FinalResult(
                text=text,
                grammar_text=grammar_text,
                free_text=free_text,
                confidence=conf,
                used_grammar=use_grammar,
                speech_start_s=self.speech_start,
                speech_end_s=end_s,
                decided_at=self.o._monotonic(),
            )
        )

    @staticmethod
    def _close(rec: Any, pieces: list[dict[str, Any]]) -> tuple[str, float]:
        if rec is None:
            return "", 0.0
        pieces.append(json.loads(rec.FinalResult()))
        rec.Reset()
        words = [w for p in pieces for w in p.get("result", [])]
        text = " ".join(p.get("text", "") for p in pieces if p.get("text")).strip()
        pieces.clear()
        conf = sum(w.get("conf", 0.0) for w in words) / len(words) if words else 0.0
        return text, conf

    def _emit(self, event: RecognitionEvent) -> None:
        self.o._on_event(event)
