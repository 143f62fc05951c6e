"""Playing the clerk's speech into an output: scheduling, the mouth's level, barge-in."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from kiosk.core.clock import FakeClock
from kiosk.speech.barge_in import BargeIn
from kiosk.speech.playback import (
    ClockedOutput,
    PlaybackEnded,
    PlaybackEvent,
    PlaybackStarted,
    SpeechPlayer,
    wav_pcm16,
)
from kiosk.speech.tts import SpokenText, envelope
from kiosk.speech.vad import SpeechStarted, VoiceActivityDetector

RATE = 16000
STEP_S = 0.02


def _spoken(elderly: bool = False) -> SpokenText:
    """1.2 s of "speech": loud, quiet, silent and loud stretches of a tone."""
    t = np.arange(int(1.2 * RATE)) / RATE
    gain = np.select([t < 0.3, t < 0.6, t < 0.9], [0.8, 0.2, 0.0], 0.5)
    samples = (gain * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(RATE)
        writer.writeframes((samples * 32767).astype("<i2").tobytes())
    return SpokenText(
        caption="请把身份证放在拍摄区。",
        lang="zh_CN",
        wav=buffer.getvalue(),
        sample_rate=RATE,
        duration_s=1.2,
        envelope=envelope(samples, RATE),
        elderly=elderly,
    )


def _player(clock: FakeClock) -> tuple[SpeechPlayer, ClockedOutput, list[PlaybackEvent]]:
    events: list[PlaybackEvent] = []
    output = ClockedOutput(clock.monotonic)
    return SpeechPlayer(output, clock.monotonic, events.append, buffer_s=0.2), output, events


def test_plays_every_sample_in_time_and_ends() -> None:
    clock = FakeClock()
    player, output, events = _player(clock)
    spoken = _spoken()
    assert player.play(spoken)
    assert events == [PlaybackStarted(spoken.caption, 0.0)]  # the first buffer at once
    max_ahead = 0.0
    while player.playing and clock.monotonic() < 5:
        clock.advance(STEP_S)
        player.pump()
        if player.playing:
            ahead = len(output.recorded) / 2 / RATE - output.played_s()
            max_ahead = max(max_ahead, ahead)
    assert events[-1] == PlaybackEnded(spoken.caption, interrupted=False)
    assert clock.monotonic() == pytest.approx(1.2, abs=STEP_S * 1.5)
    assert bytes(output.recorded) == wav_pcm16(spoken.wav)[0]  # every sample, in order
    assert max_ahead <= 0.2 + STEP_S  # never more than the buffer ahead of the sound
    assert output.closed == 1 and player.level() == 0.0


def test_level_is_the_envelope_where_playback_is() -> None:
    clock = FakeClock()
    player, _output, _events = _player(clock)
    spoken = _spoken()
    player.play(spoken)
    levels, expected = [], []
    while player.playing:
        clock.advance(STEP_S)
        player.pump()
        if player.playing:
            levels.append(player.level())
            expected.append(spoken.level_at(clock.monotonic()))
    assert levels == expected
    assert max(levels) == 1.0 and min(levels) == 0.0  # the silent stretch closes the mouth


def test_barge_in_stops_playback_at_once() -> None:
    clock = FakeClock()
    player, output, events = _player(clock)
    vad = VoiceActivityDetector(min_rms=200)
    barge = BargeIn(player, vad)
    spoken = _spoken()
    player.play(spoken)
    barge.speech_started()
    for _ in range(10):
        clock.advance(STEP_S)
        player.pump()
    assert barge.on_event(SpeechStarted(0.2))  # the citizen starts speaking
    assert events[-1] == PlaybackEnded(spoken.caption, interrupted=True)
    assert not player.playing and player.level() == 0.0 and output.closed == 1
    assert len(output.recorded) < len(wav_pcm16(spoken.wav)[0])  # the rest never played
    heard = len(output.recorded)
    clock.advance(1.0)
    player.pump()
    assert len(output.recorded) == heard


def test_elderly_speech_plays_at_full_volume() -> None:
    clock = FakeClock()
    player, output, _events = _player(clock)
    player.play(_spoken())
    normal = output.volume
    player.play(_spoken(elderly=True))
    assert output.volume == 1.0 > normal


def test_a_new_utterance_interrupts_the_old_one() -> None:
    clock = FakeClock()
    player, output, events = _player(clock)
    first, second = _spoken(), _spoken(elderly=True)
    player.play(first)
    player.play(second)
    assert [type(e) for e in events] == [PlaybackStarted, PlaybackEnded, PlaybackStarted]
    assert events[1] == PlaybackEnded(first.caption, interrupted=True)
    assert output.opened == 2


def test_text_without_audio_is_caption_only() -> None:
    clock = FakeClock()
    player, output, events = _player(clock)
    assert not player.play(SpokenText(caption="你好", lang="zh_CN"))
    assert events == [] and output.opened == 0 and not player.playing
