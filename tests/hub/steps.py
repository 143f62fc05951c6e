"""Bringing a test case up to one of its steps: every earlier step completed on the hub,
as the booth and the departments' clerks would have (a certificate is issued only once
the steps before it are done: kiosk.hub.certificate_choice)."""

from __future__ import annotations

import itertools

from tests.hub.conftest import Hub

_ADMINS = itertools.count()


def reach_step(hub: Hub, case_id: str, position: int) -> None:
    """Complete every step of the case before ``position`` (as an administrator)."""
    admin = hub.clerk(f"steps-admin-{next(_ADMINS)}", "general", ("admin", "clerk"))
    for earlier in range(position):
        r = hub.post(admin, f"/api/v1/cases/{case_id}/steps/{earlier}/complete")
        assert r.status_code == 200, r.text


TAX_CLEARANCE = 5  # enterprise-deregistration: the tax bureau's 清税证明
DEREGISTRATION_NOTICE = 10  # and the market regulator's 准予注销登记通知书
