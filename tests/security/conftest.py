"""The security suite attacks a real hub on 127.0.0.1: the hub tests' fixtures, imported."""

from __future__ import annotations

from tests.hub.conftest import browser, db_url, hub, sms_gateway, sms_hub

__all__ = ["browser", "db_url", "hub", "sms_gateway", "sms_hub"]
