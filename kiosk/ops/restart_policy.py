"""Restarting the booth process between citizens: for memory growth, or when asked.

A booth runs for weeks; any slow leak (a library's cache, a codec's buffers) would end in
an out-of-memory kill in the middle of someone's case. :class:`RestartPolicy` samples the
process's resident memory at the end of every session, after handing the C allocator's
free pages back to the system (:func:`release_free_memory`), so the figure is memory in
use. The first ``warmup_sessions`` sessions fill caches and load models; the RSS after
them is the *baseline*. When the RSS at a session end exceeds the baseline by
``growth_limit_bytes``, the policy calls ``restart(reason)`` right then: the citizen
has just left and nobody is inside.

An operator's ``restart`` command (hub -> booth) goes through :meth:`request`: at once when
no session is running, otherwise at the end of the current session. The same holds for
anything else that wants a fresh process (a config change that needs it).

``restart`` is injected. On a packaged booth it quits the app with
:data:`RESTART_EXIT_CODE`; ``xiaowu-booth.service`` has ``Restart=always``, so systemd
starts a fresh process two seconds later (the session journal has nothing to resume:
the restart happens between sessions).

The composition root calls::

    policy = RestartPolicy(clock, restart=lambda reason: app.exit(RESTART_EXIT_CODE))
    channel.on_command("restart", policy.on_restart_command)
    # flows: policy.session_started() when a citizen starts, and at the end
    # policy.session_ended()  (returns True when the process is restarting now)
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kiosk.core.clock import Clock
from kiosk.ops.health import process_rss_bytes

log = logging.getLogger(__name__)

RESTART_EXIT_CODE = 75  # EX_TEMPFAIL: "try again", and systemd restarts the unit


def release_free_memory() -> None:
    """Give memory that is free inside the C allocator back to the system (glibc).

    Codecs and the DTLS/SRTP stack of a video call allocate and free tens of megabytes
    in worker threads; glibc keeps the freed pages in per-thread arenas, so the process
    looks like it grows ~20 MB per 100 calls although nothing is leaked (Python's own
    heap stays flat). ``malloc_trim(0)`` between sessions returns them. No-op elsewhere.
    """
    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


M_ARENA_MAX = -8  # glibc's mallopt parameter


def limit_malloc_arenas(arenas: int) -> bool:
    """Cap glibc's malloc arenas (``mallopt(M_ARENA_MAX, n)``); call before threads start.

    glibc gives each thread that allocates its own arena (up to eight per core). The call
    stack's codec, DTLS and decoder threads come and go with every call and leave
    fragmented arenas behind that ``malloc_trim`` cannot give back; with two arenas the
    soak's calls grew 17 MB per 100 instead of 23 (bench/soak.py). 0 leaves glibc's
    default. False where there is no glibc.
    """
    if arenas <= 0:
        return False
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))


@dataclass(frozen=True, slots=True)
class RestartDecision:
    reason: str  # "memory_growth" or what :meth:`RestartPolicy.request` was given
    rss_bytes: int | None
    baseline_bytes: int | None
    sessions: int


class RestartPolicy:
    def __init__(
        self,
        clock: Clock,
        *,
        restart: Callable[[str], None],
        rss: Callable[[], int | None] = process_rss_bytes,
        trim: Callable[[], None] | None = release_free_memory,
        warmup_sessions: int = 20,
        growth_limit_bytes: int = 300 * 1024 * 1024,
    ) -> None:
        self._clock = clock
        self._restart = restart
        self._rss = rss
        self._trim = trim
        self.warmup_sessions = warmup_sessions
        self.growth_limit_bytes = growth_limit_bytes
        self.sessions = 0
        self.baseline_bytes: int | None = None
        self.in_session = False
        self.pending: str | None = None  # a restart asked for during a session
        self.decision: RestartDecision | None = None

    # -- sessions ---------------------------------------------------------------------
    def session_started(self) -> None:
        self.in_session = True

    def session_ended(self) -> bool:
        """Sample memory now that nobody is inside; restart if needed. True: restarting."""
        self.in_session = False
        self.sessions += 1
        if self._trim is not None:
            self._trim()
        rss = self._rss()
        if rss is not None and self.sessions == self.warmup_sessions:
            self.baseline_bytes = rss
            log.info("memory baseline after %d sessions: %d MiB", self.sessions, rss >> 20)
        reason = self.pending
        if reason is None and self.growth_bytes(rss) > self.growth_limit_bytes:
            reason = "memory_growth"
        if reason is None:
            return False
        self._do(reason, rss)
        return True

    def growth_bytes(self, rss: int | None = None) -> int:
        """RSS above the baseline (0 before the baseline is known)."""
        rss = self._rss() if rss is None else rss
        if rss is None or self.baseline_bytes is None:
            return 0
        return rss - self.baseline_bytes

    # -- asked from outside -------------------------------------------------------------
    def request(self, reason: str = "requested") -> bool:
        """Restart now if nobody is inside, else at the session's end. True: restarting now."""
        if self.in_session:
            self.pending = reason
            log.info("restart (%s) deferred to the end of the session", reason)
            return False
        self._do(reason, self._rss())
        return True

    async def on_restart_command(self, command: Any) -> None:
        """The booth channel's handler for the hub's ``restart`` command (acked ok)."""
        data = getattr(command, "data", {}) or {}
        reason = str(data.get("reason") or "operator")[:100]
        self.request(f"operator: {reason}")

    def _do(self, reason: str, rss: int | None) -> None:
        self.decision = RestartDecision(reason, rss, self.baseline_bytes, self.sessions)
        self.pending = None
        log.warning(
            "restarting the booth process (%s) after %d sessions, rss %s MiB",
            reason,
            self.sessions,
            None if rss is None else rss >> 20,
        )
        self._restart(reason)
