"""Can the call sustain video? A pure policy fed with sender statistics.

Every heartbeat period the call module samples, for its video senders, how many packets
were sent and how many the receiver reported lost (RTCP receiver reports, aiortc's
``remote-inbound-rtp``). Over a sliding window the policy computes the loss fraction:

- loss at or above ``max_loss`` over a full window -> drop to audio only;
- once audio only, after ``recover_after_s`` of audio loss below ``max_loss / 4``,
  video may be tried again.

Times are passed in, so tests run it without a clock.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SenderSample:
    """Cumulative counters of one kind of outgoing media at one moment."""

    at: float
    sent: int
    lost: int


class VideoQuality:
    """Decides when to fall back to audio only, and when video may come back."""

    def __init__(
        self, max_loss: float = 0.25, window_s: float = 5.0, recover_after_s: float = 30.0
    ) -> None:
        self.max_loss = max_loss
        self.window_s = window_s
        self.recover_after_s = recover_after_s
        self.audio_only = False
        self._video: deque[SenderSample] = deque()
        self._audio: deque[SenderSample] = deque()
        self._good_since: float | None = None

    @staticmethod
    def _loss(samples: deque[SenderSample]) -> float | None:
        if len(samples) < 2:
            return None
        first, last = samples[0], samples[-1]
        sent = last.sent - first.sent
        lost = max(0, last.lost - first.lost)
        if sent <= 0:
            return None
        return min(1.0, lost / sent)

    def _push(self, samples: deque[SenderSample], sample: SenderSample) -> None:
        if samples and (sample.sent < samples[-1].sent or sample.lost < samples[-1].lost):
            samples.clear()  # counters restarted: a new connection
        samples.append(sample)
        while len(samples) > 2 and sample.at - samples[1].at >= self.window_s:
            samples.popleft()

    def loss(self) -> float | None:
        """The video loss fraction over the current window, if known."""
        return self._loss(self._video)

    def sample(self, video: SenderSample | None, audio: SenderSample | None) -> bool:
        """Add one sample of each; return True when ``audio_only`` changed."""
        if not self.audio_only and video is not None:
            self._push(self._video, video)
            span = self._video[-1].at - self._video[0].at
            loss = self._loss(self._video)
            if span >= self.window_s and loss is not None and loss >= self.max_loss:
                self.audio_only = True
                self._audio.clear()
                self._good_since = None
                return True
        elif self.audio_only and audio is not None:
            self._push(self._audio, audio)
            loss = self._loss(self._audio)
            if loss is not None and loss < self.max_loss / 4:
                if self._good_since is None:
                    self._good_since = audio.at
                elif audio.at - self._good_since >= self.recover_after_s:
                    self.audio_only = False
                    self._video.clear()
                    return True
            elif loss is not None:
                self._good_since = None
        return False

    def reset(self) -> None:
        """Forget the samples (a new connection starts its counters at zero)."""
        self._video.clear()
        self._audio.clear()
        self._good_since = None
