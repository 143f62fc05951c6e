"""The hub tests' fixtures (a real hub on 127.0.0.1 and its database), reused as they are."""

from tests.hub.conftest import catalog, db_url, hub  # noqa: F401  (fixtures for this suite)
