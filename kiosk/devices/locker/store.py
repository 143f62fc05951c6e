"""Which slot holds what, kept on disk so a slot is never given twice across a restart.

One small JSON file in the booth's data directory, rewritten whole on every change by
writing a temporary file next to it, flushing it to disk and renaming it over the old
one (``os.replace`` is atomic on POSIX): after a crash or power cut the file is either
the old state or the new one, never a torn mix. Pickup codes are stored as SHA-256
hashes only.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

log = logging.getLogger(__name__)

SlotStatus = Literal["assigned", "deposited", "out_of_service"]


@dataclass(frozen=True, slots=True)
class SlotRecord:
    """A slot that is not free: given to ``case_id``, holding its item, or out of service."""

    status: SlotStatus
    case_id: str = ""
    since: str = ""  # ISO time, for operators


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().encode("utf-8")).hexdigest()


class SlotStore:
    """Slot records and courier pickup authorisations, persisted at ``path``."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._slots: dict[int, SlotRecord] = {}
        self._pickups: dict[str, tuple[str, ...]] = {}
        self._load()

    def _load(self) -> None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        self._slots = {int(k): SlotRecord(**v) for k, v in raw.get("slots", {}).items()}
        self._pickups = {k: tuple(v) for k, v in raw.get("pickups", {}).items()}

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "version": 1,
            "slots": {str(k): dataclasses.asdict(v) for k, v in sorted(self._slots.items())},
            "pickups": {k: list(v) for k, v in self._pickups.items()},
        }
        fd, tmp = tempfile.mkstemp(prefix=".slots-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False, indent=1)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    # --- slots ----------------------------------------------------------------------
    def records(self) -> dict[int, SlotRecord]:
        return dict(self._slots)

    def get(self, slot: int) -> SlotRecord | None:
        return self._slots.get(slot)

    def slot_of(self, case_id: str) -> int | None:
        for slot, record in self._slots.items():
            if record.case_id == case_id and record.status != "out_of_service":
                return slot
        return None

    def put(self, slot: int, record: SlotRecord) -> None:
        self._slots[slot] = record
        self._save()

    def free(self, slot: int) -> None:
        if self._slots.pop(slot, None) is not None:
            self._save()

    # --- courier pickups ------------------------------------------------------------
    def authorize_pickup(self, code: str, case_ids: tuple[str, ...]) -> None:
        self._pickups[hash_code(code)] = tuple(case_ids)
        self._save()

    def pickup_cases(self, code: str) -> tuple[str, ...] | None:
        return self._pickups.get(hash_code(code))

    def use_pickup(self, code: str) -> None:
        if self._pickups.pop(hash_code(code), None) is not None:
            self._save()
