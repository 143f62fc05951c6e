"""The cross-region services list: every entry names its serving region and department, in
all three languages."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from kiosk.core.catalog import load_catalog

LIST = Path(__file__).resolve().parents[2] / "assets" / "federation" / "cross_region.yaml"
LANGUAGES = {"zh_CN", "en", "zh_HK"}


def test_at_least_ten_services_each_with_region_and_three_languages():
    services = yaml.safe_load(LIST.read_text(encoding="utf-8"))["services"]
    departments = {d.code for d in load_catalog().departments}
    assert len(services) >= 10
    assert len({s["code"] for s in services}) == len(services)
    for service in services:
        assert re.fullmatch(r"\d{6}", service["region"]), service["code"]
        assert service["department"] in departments, service["code"]
        assert set(service["name"]) == LANGUAGES, service["code"]
        assert set(service["region_name"]) == LANGUAGES, service["code"]
