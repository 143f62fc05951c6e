"""The security suite attacks the same real hub as the hub's own tests: their fixtures."""

from tests.hub.conftest import browser, catalog, db_url, hub  # noqa: F401
