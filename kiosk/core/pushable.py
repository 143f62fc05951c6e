"""Which booth settings an operator may push from the hub (``config`` command).

An allow-list, not a deny-list: a key added to :mod:`kiosk.config` later stays local until
someone decides it is safe to set remotely. Both sides check it: the hub refuses a push
naming any other key before it is sent (kiosk.hub.api_ops), and the booth refuses it again
on arrival and at start for settings kept on disk (kiosk.booth.ops), because a booth
trusts only its own configuration file for anything that decides where data goes or how
it is protected.

Never pushable, and why (each is absent below on purpose):

- ``hub.url``, ``hub.token``: would send the booth's token and every citizen write to
  another server;
- ``booth.id``, ``booth.data_dir``, ``booth.session_dir``: the booth's identity and where
  personal data is kept;
- ``booth.operator_pin_hash``, ``booth.fullscreen``: who may leave the kiosk app, and
  whether a citizen can reach the desktop;
- ``devices.*`` ports, profiles, bits and the door's wiring: a port could point the ID-card
  reader or the door relay at another device; the locker's bits decide whether a door
  reads as closed;
- ``speech.model_dir``/``models_dir``/``default_model``/``microphone``: paths the booth
  would load or listen to;
- ``call.stun_urls``/``turn_urls``/``turn_*``/``recording``: where call media is relayed,
  and whether the citizen is told a call is recorded;
- ``hub_server.*``, ``log_level``: the hub's own section; debug logs hold more than an
  operator needs.
"""

from __future__ import annotations

from collections.abc import Iterable

PUSHABLE_KEYS = frozenset(
    {
        # the screen
        "booth.name",
        "booth.orientation",
        "booth.language",
        "booth.idle_timeout_s",
        "booth.idle_warning_s",
        # the hub link's timing (never its address or token)
        "hub.timeout_s",
        "hub.reconnect_min_s",
        "hub.reconnect_max_s",
        # the locker's timing and alerts
        "devices.locker_open_timeout_s",
        "devices.locker_left_open_alert_s",
        "devices.locker_close_timeout_s",
        "devices.locker_poll_s",
        # reading documents
        "ocr.engine",
        "ocr.languages",
        "ocr.timeout_s",
        # the digital clerk's voice
        "speech.enabled",
        "speech.voice",
        "speech.listen",
        "speech.speak",
        # calls' timing and quality
        "call.heartbeat_s",
        "call.dead_after_s",
        "call.gather_timeout_s",
        "call.reconnect_attempt_s",
        "call.give_up_after_s",
        "call.video_fps",
        "call.audio_only_loss",
        # operations
        "ops.health_period_s",
        "ops.health_ack_timeout_s",
        "ops.restart_warmup_sessions",
        "ops.restart_growth_mb",
        "ops.malloc_arenas",
        "ops.alert_disk_free_ratio",
        "ops.alert_disk_free_mb",
        "ops.alert_rss_mb",
        "ops.alert_slots_free_min",
        "ops.alert_offline_after_s",
    }
)


def not_pushable(keys: Iterable[str]) -> list[str]:
    """The keys of ``keys`` an operator may not push, sorted."""
    return sorted(str(k) for k in keys if str(k) not in PUSHABLE_KEYS)
