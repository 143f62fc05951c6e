"""Property-based run over the published OpenAPI schema (schemathesis): whatever a client
sends, valid or not, the hub answers without a 500."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.hub.conftest import Hub, image_bytes
from tests.hub.steps import TAX_CLEARANCE, reach_step

schemathesis = pytest.importorskip("schemathesis")

pytestmark = pytest.mark.slow


def callers(hub: Hub) -> dict[str, str]:
    booth = hub.booth("b1")
    case = hub.post(
        booth,
        "/api/v1/cases",
        {"service": "enterprise-deregistration", "citizen": {"name": "测试"}},
    ).json()
    material = hub.post(
        booth,
        f"/api/v1/cases/{case['id']}/materials",
        {
            "code": "business_license",
            "image_base64": base64.b64encode(image_bytes()).decode(),
            "image_type": "image/png",
        },
    ).json()
    admin = hub.clerk("fuzz-admin", "tax", ("admin", "clerk"))
    reach_step(hub, case["id"], TAX_CLEARANCE)
    cert = hub.post(admin, f"/api/v1/cases/{case['id']}/certificates", {}).json()
    callers = {"admin": admin, "booth": booth, "citizen": case["citizen_token"], "anonymous": ""}
    callers["_ids"] = f"{case['id']} {material['id']} {cert['id']}"
    return callers


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_no_input_makes_the_hub_fail_with_a_500(hub: Hub, mode: str) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from schemathesis import GenerationMode

    who = callers(hub)
    case_id, material_id, certificate_id = who.pop("_ids").split()
    schema = schemathesis.openapi.from_url(hub.url + "/openapi.json")
    generation = GenerationMode.POSITIVE if mode == "positive" else GenerationMode.NEGATIVE
    known_ids = {
        "case_id": case_id,
        "material_id": material_id,
        "certificate_id": certificate_id,
        "booth_id": "b1",
    }
    strategies = st.one_of(
        schema.as_strategy(generation_mode=generation),
        schema.as_strategy(generation_mode=generation, path_parameters=known_ids),
    )
    failures: list[str] = []

    @settings(
        max_examples=250, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(case=strategies, caller=st.sampled_from(sorted(who)))
    def check(case: Any, caller: str) -> None:
        headers = {"Authorization": f"Bearer {who[caller]}"} if who[caller] else {}
        response = case.call(base_url=hub.url, headers=headers, timeout=15)
        if response.status_code >= 500:
            failures.append(
                f"{case.method} {case.formatted_path} as {caller}: "
                f"{response.status_code} {response.text[:200]}"
            )

    check()
    assert not failures, "\n".join(failures[:10])


def test_a_nul_byte_the_database_refuses_is_bad_input_not_a_500(hub: Hub) -> None:
    # PostgreSQL takes no NUL in text; the fuzz found it on the login form.
    r = hub.post(None, "/api/v1/auth/login", {"username": "tax\x001", "password": "x"})
    assert r.status_code in (401, 422), r.text
