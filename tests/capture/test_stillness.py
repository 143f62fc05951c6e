"""Auto-capture on synthetic preview sequences: motion then stillness fires exactly once."""

from __future__ import annotations

import numpy as np

from kiosk.capture.stillness import AutoCapture, StillnessDetector, StillnessSettings
from kiosk.ocr import synth

FPS = 15.0


def fire_times(detector: StillnessDetector, frames: list[np.ndarray], t0: float = 0.0,
               ) -> list[int]:
    return [i for i, frame in enumerate(frames) if detector.update(frame, t0 + i / FPS)]


def test_motion_then_stillness_fires_exactly_once() -> None:
    document = synth.render_document("id_card", 1)
    frames = synth.frame_sequence(document, 1, synth.FrameScript(moving=8, still=30))
    detector = StillnessDetector(StillnessSettings(armed_at_start=False))
    fired = fire_times(detector, frames)
    assert len(fired) == 1
    # not while moving, and only after still_for_s of stillness
    assert fired[0] >= 8 + int(0.6 * FPS) - 1


def test_no_capture_without_stillness() -> None:
    document = synth.render_document("rental_contract", 2)
    frames = synth.frame_sequence(document, 2, synth.FrameScript(moving=25, still=3))
    assert fire_times(StillnessDetector(), frames) == []


def test_new_motion_rearms_for_the_next_page() -> None:
    first = synth.frame_sequence(synth.render_document("purchase_contract", 3), 3,
                                 synth.FrameScript(moving=6, still=20))
    second = synth.frame_sequence(synth.render_document("rental_contract", 4), 4,
                                  synth.FrameScript(moving=6, still=20))
    detector = StillnessDetector()
    assert len(fire_times(detector, first + second)) == 2


def test_auto_capture_returns_a_flat_accepted_page() -> None:
    document = synth.render_document("business_license", 5)
    frames = synth.frame_sequence(document, 5, synth.FrameScript(
        moving=6, still=20, size=(1600, 1200), step_px=40))
    capture = AutoCapture()
    results = [r for i, f in enumerate(frames) if (r := capture.feed(f, i / FPS)) is not None]
    assert len(results) == 1
    (captured,) = results
    assert captured.ok, captured.verdict
    assert captured.page is not None
    assert captured.page.shape[1] > captured.page.shape[0]  # landscape licence


def test_an_empty_desk_keeps_waiting() -> None:
    desk = synth.desk_background(np.random.default_rng(6), (640, 480))
    capture = AutoCapture()
    results = [capture.feed(desk, i / FPS) for i in range(40)]
    assert {r.verdict.reason for r in results if r is not None} <= {"no_document"}
    assert capture.detector.armed  # still waiting for a document
