"""The clerk's voice through QtMultimedia, paced by a timer on the UI loop.

:class:`QtAudioOut` is the booth's audio output for speech: a ``QAudioSink`` in push mode
(the sink pulls from its own buffer; we write only what it has room for, so a write never
blocks the qasync loop). :class:`PlaybackDriver` runs the player
(``kiosk.speech.playback.SpeechPlayer``, held through the :class:`Player` protocol) from a
``QTimer``: it pumps audio, and emits the speech level for the avatar's mouth on every
tick while speaking (0 once when it stops). ``request_stop`` may be called from any
thread (the recognizer's, for barge-in): the stop is queued to the UI thread.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtMultimedia import QAudioSink, QMediaDevices

from kiosk.core.errors import DeviceError
from kiosk.ui.qt_media import mono16

TICK_MS = 20  # the mouth moves at 50 frames a second, like the envelope


class Player(Protocol):
    """What the driver needs of ``kiosk.speech.playback.SpeechPlayer``."""

    @property
    def playing(self) -> bool: ...

    def pump(self) -> None: ...

    def level(self) -> float: ...

    def stop(self) -> None: ...


def has_audio_output() -> bool:
    return not QMediaDevices.defaultAudioOutput().isNull()


class QtAudioOut:
    """The default loudspeaker as a ``kiosk.speech.playback.AudioOut`` (mono 16-bit)."""

    def __init__(self) -> None:
        self.device = QMediaDevices.defaultAudioOutput()
        if self.device.isNull():
            raise DeviceError("no audio output", code="speaker_absent")
        self._sink: QAudioSink | None = None
        self._io: Any = None

    def open(self, sample_rate: int, volume: float) -> None:
        self.close()
        self._sink = QAudioSink(self.device, mono16(sample_rate))
        self._sink.setVolume(volume)
        self._io = self._sink.start()

    def write(self, pcm: bytes) -> int:
        if self._sink is None or self._io is None:
            return 0
        room = self._sink.bytesFree()
        room -= room % 2
        if room <= 0:
            return 0
        return max(0, int(self._io.write(pcm[:room])))

    def played_s(self) -> float:
        return self._sink.processedUSecs() / 1e6 if self._sink is not None else 0.0

    def close(self) -> None:
        if self._sink is not None:
            self._sink.stop()
            self._sink.deleteLater()
        self._sink = self._io = None


class PlaybackDriver(QObject):
    """Pumps a :class:`Player` on a timer and reports the level of its speech."""

    level_changed = Signal(float)  # the avatar's mouth, every tick while speaking
    _stop_requested = Signal()

    def __init__(self, player: Player, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.player = player
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self._stop_requested.connect(self.stop, Qt.ConnectionType.QueuedConnection)

    def started(self) -> None:
        """The player has just started something: follow it."""
        self.tick()
        if self.player.playing and not self.timer.isActive():
            self.timer.start()

    def tick(self) -> None:
        self.player.pump()
        if self.player.playing:
            self.level_changed.emit(self.player.level())
        else:
            self.timer.stop()
            self.level_changed.emit(0.0)

    def stop(self) -> None:
        self.player.stop()
        self.tick()

    def request_stop(self) -> None:
        """Stop from any thread (queued to this object's thread)."""
        self._stop_requested.emit()
