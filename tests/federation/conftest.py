"""Fixtures of the federation tests: the hub tests' catalog fixture."""

from tests.hub.conftest import catalog

__all__ = ["catalog"]
