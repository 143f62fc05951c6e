"""``kiosk listen WAV --model DIR [--grammar FILE] [--json]``: transcribe a recording.

The file goes through the same streaming path as the booth's microphone: cut into
100 ms chunks, fed to :class:`StreamingRecognizer`, endpointed by the voice-activity
detector.
"""

from __future__ import annotations

import argparse
import json
import queue
from pathlib import Path

from kiosk.config import Config

HELP = "transcribe a WAV file with the speech model (the microphone's streaming path)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("wav", type=Path, help="WAV file, 16-bit PCM, any rate, mono or stereo")
    parser.add_argument(
        "--model",
        type=Path,
        metavar="DIR",
        help="vosk model directory (default: [speech] model_dir)",
    )
    parser.add_argument(
        "--grammar",
        type=Path,
        metavar="FILE",
        help="phrases to restrict recognition to: JSON list or one per line",
    )
    parser.add_argument(
        "--no-free",
        action="store_true",
        help="with --grammar: no free recognition beside the grammar",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def main(args: argparse.Namespace, config: Config) -> int:
    from kiosk.speech.audio_files import chunks, wav_as_pcm16
    from kiosk.speech.grammar import read_grammar_file
    from kiosk.speech.models import find_model
    from kiosk.speech.recognizer import (
        FinalResult,
        RecognitionEvent,
        SpeechModel,
        SpeechModelError,
        StreamingRecognizer,
    )

    model_dir = args.model or find_model(config.speech, config.booth)
    if model_dir is None:
        raise SpeechModelError(
            "no speech model: give --model DIR, set [speech] model_dir, or run "
            f"`kiosk models install {config.speech.default_model}`"
        )
    pcm = wav_as_pcm16(args.wav)
    grammar = read_grammar_file(args.grammar) if args.grammar else None
    model = SpeechModel(model_dir)
    events: queue.Queue[RecognitionEvent] = queue.Queue()
    recognizer = StreamingRecognizer(
        model, events.put, grammar=grammar, free=not (args.no_free and grammar)
    )
    recognizer.start()
    for chunk in chunks(pcm):
        recognizer.feed(chunk)
    finished = recognizer.end_of_stream().wait(timeout=600)
    recognizer.stop()
    if recognizer.failure is not None or not finished:
        raise SpeechModelError(f"recognition failed: {recognizer.failure or 'timed out'}")
    segments: list[FinalResult] = []
    while not events.empty():
        event = events.get_nowait()
        if isinstance(event, FinalResult):
            segments.append(event)
    transcript = " ".join(s.text for s in segments if s.text)
    if args.json:
        print(
            json.dumps(
                {
                    "transcript": transcript,
                    "segments": [
                        {
                            "text": s.text,
                            "start_s": round(s.speech_start_s, 2),
                            "end_s": round(s.speech_end_s, 2),
                            "grammar": s.used_grammar,
                            "free_text": s.free_text,
                            "confidence": round(s.confidence, 3),
                        }
                        for s in segments
                    ],
                    "grammar": grammar is not None,
                    "audio_s": round(len(pcm) / 32000, 2),
                },
                ensure_ascii=False,
            )
        )
    else:
        print(transcript)
    return 0
