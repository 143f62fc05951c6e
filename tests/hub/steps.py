"""Bringing a test case up to one of its steps: every earlier step completed on the hub,
as the booth and the departments' clerks would have (a certificate is issued only once
the steps before it are done: kiosk.hub.certificate_choice)."""

from __future__ import annotations

import itertools

from kiosk.core.step_owners import BOOTH_STEPS
from tests.hub.conftest import Hub

_ADMINS = itertools.count()


def reach_step(
    hub: Hub, case_id: str, position: int, *, booth: str | None = None, clerk: str | None = None
) -> None:
    """Complete every step of the case before ``position``: the citizen's steps by ``booth``
    and the others by ``clerk`` when given (they then count among those who served her),
    else all by an administrator made for it."""
    admin = None
    steps = (
        hub.get(booth or clerk, f"/api/v1/cases/{case_id}").json()["steps"]
        if (booth or clerk)
        else None
    )
    for earlier in range(position):
        kind = steps[earlier]["kind"] if steps else ""
        who = booth if booth and kind in BOOTH_STEPS else clerk
        if who is None:
            admin = admin or hub.clerk(
                f"steps-admin-{next(_ADMINS)}", "general", ("admin", "clerk")
            )
            who = admin
        r = hub.post(who, f"/api/v1/cases/{case_id}/steps/{earlier}/complete")
        assert r.status_code == 200, r.text


TAX_CLEARANCE = 5  # enterprise-deregistration: the tax bureau's 清税证明
DEREGISTRATION_NOTICE = 10  # and the market regulator's 准予注销登记通知书
