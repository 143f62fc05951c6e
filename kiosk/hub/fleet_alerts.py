"""Which faults a booth's events and health reports show (pure; the hub opens work orders).

A fault has a *kind* ``"<device>.<what>"`` (``locker.jammed``, ``camera.missing``,
``disk.low``, ``booth.offline``) and an English summary for the operator page. The
booth's ``device_fault`` events name their fault directly; a ``health`` report is read
against :class:`AlertLimits` for states no event announces (a missing camera or device,
a full disk, a bloated process).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kiosk.config import OpsConfig


@dataclass(frozen=True, slots=True)
class Fault:
    kind: str
    summary: str


@dataclass(frozen=True, slots=True)
class AlertLimits:
    disk_free_ratio: float = 0.05  # below 5 % free
    disk_free_bytes: int = 1 << 30  # or below 1 GiB
    offline_after_s: float = 300.0  # a registered booth silent this long
    rss_bytes: int = 3 << 30  # the booth process over 3 GiB
    slots_free_min: int = 1  # fewer free locker slots: the locker is full

    @classmethod
    def from_config(cls, ops: OpsConfig) -> AlertLimits:
        """The ``[ops] alert_*`` settings."""
        return cls(
            disk_free_ratio=ops.alert_disk_free_ratio,
            disk_free_bytes=ops.alert_disk_free_mb << 20,
            offline_after_s=ops.alert_offline_after_s,
            rss_bytes=ops.alert_rss_mb << 20,
            slots_free_min=ops.alert_slots_free_min,
        )


def fault_of_event(data: dict[str, Any]) -> Fault:
    """The fault a ``device_fault`` event names."""
    device = _word(data.get("device"), "device")
    what = _word(data.get("kind"), "fault")
    parts = [f"{device} {what}"]
    if isinstance(data.get("slot"), int):
        parts.append(f"slot {data['slot']}")
    message = data.get("message")
    if isinstance(message, str) and message:
        parts.append(message[:120])
    return Fault(f"{device}.{what}", ": ".join(parts[:1]) + _rest(parts[1:]))


def faults_of_health(report: dict[str, Any], limits: AlertLimits) -> list[Fault]:
    """The faults a ``health`` report shows."""
    faults: list[Fault] = []
    for name in ("camera", "microphone"):
        if report.get(name) is False:
            faults.append(Fault(f"{name}.missing", f"{name} not found"))
    for device in report.get("devices") or []:
        if not isinstance(device, dict):
            continue
        name = _word(device.get("name"), "device")
        if device.get("present") is False:
            faults.append(Fault(f"{name}.missing", f"{name} not found"))
        # devices[].faults are shown, not turned into orders: each came as a device_fault
        # event already, and stays listed until the booth clears it, so reading it here
        # would reopen an order the maintainer has just closed.
    disk = report.get("disk")
    if isinstance(disk, dict):
        free, total = disk.get("free_bytes"), disk.get("total_bytes")
        if not isinstance(free, int) or not isinstance(total, int) or total <= 0:
            free = total = None
        elif free < limits.disk_free_bytes or free / total < limits.disk_free_ratio:
            faults.append(Fault("disk.low", f"disk {free >> 20} MiB free of {total >> 20}"))
    locker = report.get("locker")
    if isinstance(locker, dict) and _slots_short(locker.get("free"), locker.get("total"), limits):
        faults.append(Fault("locker.full", f"locker {locker['free']} of {locker['total']} free"))
    rss = report.get("rss_bytes")
    if isinstance(rss, int) and rss > limits.rss_bytes:
        faults.append(Fault("memory.high", f"booth process uses {rss >> 20} MiB"))
    return faults


def _slots_short(free: Any, total: Any, limits: AlertLimits) -> bool:
    if not isinstance(free, int) or not isinstance(total, int) or total <= 0:
        return False
    return free < limits.slots_free_min


def _word(value: Any, default: str) -> str:
    text = value if isinstance(value, str) and value else default
    return "".join(c for c in text.lower() if c.isalnum() or c in "_-")[:40] or default


def _rest(parts: list[str]) -> str:
    return (" (" + ", ".join(parts) + ")") if parts else ""
