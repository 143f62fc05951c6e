"""The booth's real cameras and microphone through QtMultimedia, for video calls.

Each adapter hands what the device produces to a callback — an HxWx3 uint8 RGB array per
camera frame, 48 kHz mono int16 samples for the microphone — which the composition root
connects to the call module's push sources (``kiosk.call.sources.PushFrameSource.push``,
``PushAudioSource.push``). Devices open only in :meth:`start` (the call starts them after
the citizen's consent) and close in :meth:`stop`. Frames arrive on the Qt thread; the
conversion is one copy per frame.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import (
    QAudioFormat,
    QAudioSource,
    QCamera,
    QCameraDevice,
    QMediaCaptureSession,
    QMediaDevices,
    QVideoFrame,
    QVideoSink,
)

from kiosk.core.errors import DeviceError

SAMPLE_RATE = 48_000


def _camera_device(device_id: str) -> QCameraDevice:
    devices = QMediaDevices.videoInputs()
    for device in devices:
        if bytes(device.id().data()).decode(errors="replace") == device_id or (
            device.description() == device_id
        ):
            return device
    if not device_id and devices:
        return QMediaDevices.defaultVideoInput()
    raise DeviceError(f"no camera {device_id!r} (found {len(devices)})", code="camera_absent")


def mono16(sample_rate: int = SAMPLE_RATE) -> QAudioFormat:
    """Mono 16-bit PCM: the one audio format of the booth's microphone and loudspeakers."""
    fmt = QAudioFormat()
    fmt.setSampleRate(sample_rate)
    fmt.setChannelCount(1)
    fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    return fmt


class QtCamera:
    """One camera; ``on_frame(rgb)`` gets every frame while started."""

    def __init__(self, device_id: str, on_frame: Callable[[Any], object]) -> None:
        self.device = _camera_device(device_id)
        self._on_frame = on_frame
        self._camera: QCamera | None = None
        self._session: QMediaCaptureSession | None = None
        self._sink: QVideoSink | None = None

    def start(self) -> None:
        if self._camera is not None:
            return
        self._camera = QCamera(self.device)
        self._sink = QVideoSink()
        self._sink.videoFrameChanged.connect(self._frame)
        self._session = QMediaCaptureSession()
        self._session.setCamera(self._camera)
        self._session.setVideoSink(self._sink)
        self._camera.start()

    def stop(self) -> None:
        if self._camera is not None:
            self._camera.stop()
        self._camera = self._session = self._sink = None

    def _frame(self, frame: QVideoFrame) -> None:
        image = frame.toImage().convertToFormat(QImage.Format.Format_RGB888)
        width, height, stride = image.width(), image.height(), image.bytesPerLine()
        if not width or not height:
            return
        data = np.frombuffer(image.constBits(), np.uint8).reshape(height, stride)
        self._on_frame(data[:, : width * 3].reshape(height, width, 3).copy())


class QtMicrophone:
    """The default microphone; ``on_samples(pcm)`` gets 48 kHz mono int16 while started."""

    def __init__(self, on_samples: Callable[[Any], object]) -> None:
        self._on_samples = on_samples
        self._source: QAudioSource | None = None
        self._io: Any = None

    def start(self) -> None:
        if self._source is not None:
            return
        device = QMediaDevices.defaultAudioInput()
        if device.isNull():
            raise DeviceError("no microphone", code="microphone_absent")
        self._source = QAudioSource(device, mono16())
        self._io = self._source.start()
        self._io.readyRead.connect(self._read)

    def stop(self) -> None:
        if self._source is not None:
            self._source.stop()
        self._source = self._io = None

    def _read(self) -> None:
        if self._io is None:
            return
        data = bytes(self._io.readAll().data())
        if len(data) >= 2:
            self._on_samples(np.frombuffer(data[: len(data) // 2 * 2], np.int16).copy())


class QtSpeaker:
    """The default audio output; :meth:`play` writes a clerk's decoded audio to it.

    Frames are 16-bit PCM (aiortc's decoded Opus: 48 kHz, interleaved channels), mixed
    down to mono. Several clerks' frames are written as they come (no mixer: with two
    clerks speaking at once the sound is choppy).
    """

    def __init__(self) -> None:
        from PySide6.QtMultimedia import QAudioSink

        device = QMediaDevices.defaultAudioOutput()
        if device.isNull():
            raise DeviceError("no speaker", code="speaker_absent")
        self._sink = QAudioSink(device, mono16())
        self._io: Any = self._sink.start()

    def play(self, participant: str, frame: Any) -> None:
        pcm = frame.to_ndarray()
        channels = len(frame.layout.channels)
        if pcm.dtype != np.int16:
            return
        mono = pcm.reshape(-1, channels).mean(axis=1).astype(np.int16) if channels > 1 else pcm
        if frame.sample_rate == SAMPLE_RATE and self._io is not None:
            self._io.write(mono.tobytes())

    def close(self) -> None:
        self._sink.stop()
        self._io = None
