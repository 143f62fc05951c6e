"""Real vosk with the Korean model on espeak-ng speech, through the microphone's path."""

from __future__ import annotations

import itertools
import json
import queue
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from kiosk.speech.audio_files import chunks, to_pcm16, wav_as_pcm16
from kiosk.speech.recognizer import (
    FinalResult,
    PartialResult,
    RecognitionEvent,
    SpeechModel,
    SpeechModelError,
    StreamingRecognizer,
)
from kiosk.speech.vad import SpeechEnded, SpeechStarted

from .conftest import KOREAN_PHRASES

pytestmark = [pytest.mark.vosk, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
SILENCE = to_pcm16(np.zeros(8000, dtype=np.float32))  # 0.5 s


def _recognise(model: SpeechModel, pcm: bytes, grammar: list[str] | None) -> list[RecognitionEvent]:
    events: queue.Queue[RecognitionEvent] = queue.Queue()
    recognizer = StreamingRecognizer(model, events.put, grammar=grammar)
    recognizer.start()
    try:
        for chunk in chunks(pcm, 0.1):  # what a microphone delivers every 100 ms
            recognizer.feed(chunk)
        assert recognizer.end_of_stream().wait(timeout=120)
    finally:
        recognizer.stop()
    assert recognizer.failure is None
    out = []
    while not events.empty():
        out.append(events.get_nowait())
    return out


def test_grammar_recognition_of_a_conversation(
    korean_model: SpeechModel, speak_korean: Callable[[str], Path]
) -> None:
    said = ["월세", "안녕하세요", "퇴직", "감사합니다"]
    pcm = SILENCE + b"".join(wav_as_pcm16(speak_korean(p)) + SILENCE * 2 for p in said)
    events = _recognise(korean_model, pcm, list(KOREAN_PHRASES))
    finals = [e for e in events if isinstance(e, FinalResult)]
    assert [f.text for f in finals] == said
    assert all(f.used_grammar for f in finals)
    assert [type(e) for e in events if isinstance(e, SpeechStarted | SpeechEnded)] == [
        SpeechStarted,
        SpeechEnded,
    ] * 4
    assert any(isinstance(e, PartialResult) for e in events)
    # endpointing: each utterance ends before the next starts, in audio time
    for first, second in itertools.pairwise(finals):
        assert first.speech_start_s < first.speech_end_s < second.speech_start_s


def test_grammar_can_change_between_utterances(
    korean_model: SpeechModel, speak_korean: Callable[[str], Path]
) -> None:
    events: queue.Queue[RecognitionEvent] = queue.Queue()
    recognizer = StreamingRecognizer(korean_model, events.put, grammar=["월세", "퇴직"], free=False)
    recognizer.start()
    try:
        for chunk in chunks(SILENCE + wav_as_pcm16(speak_korean("퇴직")) + SILENCE * 2):
            recognizer.feed(chunk)
        recognizer.set_grammar(["안녕하세요", "감사합니다"])
        for chunk in chunks(wav_as_pcm16(speak_korean("감사합니다")) + SILENCE * 2):
            recognizer.feed(chunk)
        assert recognizer.end_of_stream().wait(timeout=120)
    finally:
        recognizer.stop()
    finals = []
    while not events.empty():
        event = events.get_nowait()
        if isinstance(event, FinalResult):
            finals.append(event)
    assert [f.text for f in finals] == ["퇴직", "감사합니다"]
    assert all(f.free_text == "" for f in finals)


def test_silence_gives_no_result(korean_model: SpeechModel) -> None:
    assert korean_model.warm_up(["월세"]) >= 0
    assert _recognise(korean_model, SILENCE * 6, ["월세"]) == []


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SpeechModelError):
        SpeechModel(tmp_path)


def test_listen_command_prints_the_transcript(
    korean_model_dir: Path, speak_korean: Callable[[str], Path], tmp_path: Path
) -> None:
    grammar = tmp_path / "grammar.json"
    grammar.write_text(json.dumps(list(KOREAN_PHRASES), ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "listen",
            str(speak_korean("안녕하세요 감사합니다")),
            "--model",
            str(korean_model_dir),
            "--grammar",
            str(grammar),
            "--json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["transcript"] == "안녕하세요 감사합니다"
    assert doc["grammar"] is True and len(doc["segments"]) == 1


def test_unsure_grammar_result_falls_back_to_free_recognition(
    korean_model: SpeechModel, speak_korean: Callable[[str], Path]
) -> None:
    events: queue.Queue[RecognitionEvent] = queue.Queue()
    # a confidence no result reaches: every utterance takes the late free pass
    recognizer = StreamingRecognizer(
        korean_model, events.put, grammar=["월세", "퇴직"], min_grammar_confidence=1.01
    )
    recognizer.start()
    try:
        for chunk in chunks(SILENCE + wav_as_pcm16(speak_korean("안녕하세요")) + SILENCE * 2):
            recognizer.feed(chunk)
        assert recognizer.end_of_stream().wait(timeout=120)
    finally:
        recognizer.stop()
    finals: list[FinalResult] = []
    while not events.empty():
        event = events.get_nowait()
        if isinstance(event, FinalResult):
            finals.append(event)
    assert len(finals) == 1
    final = finals[0]
    assert final.grammar_text in ("월세", "퇴직")  # forced onto the grammar (no [unk])
    assert not final.used_grammar and final.free_text and final.text == final.free_text
