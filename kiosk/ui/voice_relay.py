"""The Qt signals that carry the booth's voice from its worker threads to the UI thread.

:class:`kiosk.booth.voice.BoothVoice` runs recognition, synthesis, model loading and
knowledge-base answers off the UI loop; each result comes back through a signal of
:class:`VoiceRelay` (queued connections, so the slot runs on the UI thread). It lives here
because only ``kiosk.ui`` imports Qt.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class VoiceRelay(QObject):
    """Hands results from worker threads to the UI thread (queued connections)."""

    recognized = Signal(object)  # a recognition event
    synthesized = Signal(int, object)  # sequence number, SpokenText
    loaded = Signal(object)  # SpeechModel, or the exception
    source_ended = Signal()  # the microphone has no more audio (a WAV file's end)
    answered = Signal(object)  # the knowledge base's answer to a question (AssistantReply)
