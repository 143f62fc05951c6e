"""Slot records on disk: reloaded after a restart, never torn by a failed write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.devices.locker.store import SlotRecord, SlotStore


def test_records_and_pickups_survive_a_reload(tmp_path: Path) -> None:
    store = SlotStore(tmp_path / "d" / "slots.json")
    store.put(3, SlotRecord("deposited", "case-1", "2026-11-28T09:00:00+08:00"))
    store.put(4, SlotRecord("out_of_service"))
    store.authorize_pickup(" CODE-1 ", ("case-1",))
    again = SlotStore(tmp_path / "d" / "slots.json")
    assert again.records() == store.records()
    assert again.slot_of("case-1") == 3
    assert again.pickup_cases("CODE-1") == ("case-1",)
    assert "CODE-1" not in (tmp_path / "d" / "slots.json").read_text()  # only its hash
    again.use_pickup("CODE-1")
    again.free(3)
    again.free(99)  # nothing there: no error
    assert SlotStore(tmp_path / "d" / "slots.json").records() == {4: SlotRecord("out_of_service")}


def test_a_failed_write_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "slots.json"
    store = SlotStore(path)
    store.put(1, SlotRecord("assigned", "case-1"))
    before = path.read_text()

    def broken_dump(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(json, "dump", broken_dump)
    with pytest.raises(OSError):
        store.put(2, SlotRecord("assigned", "case-2"))
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["slots.json"]  # no temporary left
