"""Fixtures of device tests: emulated locker boards on a pty and a bus talking to them.

These tests run on the suite's qasync loop, the loop the booth runs its devices on. (An
early version opened serial ports through an executor thread and closed them without
waiting, and the interpreter then crashed now and then inside ``QEventLoop.run_forever``;
:class:`~kiosk.devices.serial_link.SerialLink` now opens ports directly and waits for
them to close.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from hypothesis import settings

from kiosk.devices.locker.board import LockerBus
from kiosk.devices.locker.emulator import LockerModel
from kiosk.devices.locker.profiles import PROFILES
from kiosk.devices.pty_emulator import PtyEmulator

# The branch-coverage check re-runs the protocol tests under coverage; the property tests
# have already run at full strength by then, so it asks for fewer examples.
settings.register_profile("coverage", max_examples=15)


@pytest.fixture(params=["kerong-cu16", "generic-8a-24"])
def profile_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def locker_emulator(profile_name: str) -> AsyncIterator[PtyEmulator]:
    emulator = PtyEmulator(LockerModel(PROFILES[profile_name]))
    await emulator.start()
    yield emulator
    emulator.close()


@pytest.fixture
async def bus(locker_emulator: PtyEmulator, profile_name: str) -> AsyncIterator[LockerBus]:
    bus = await LockerBus.open(locker_emulator.path, PROFILES[profile_name], timeout_s=0.3)
    yield bus
    await bus.close()
