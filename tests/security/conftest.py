"""The security suite attacks a real hub: it uses the hub suite's fixtures."""

from tests.hub.conftest import catalog, db_url  # noqa: F401 (fixtures, by name)
