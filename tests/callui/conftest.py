"""Fixtures of the call screen and call wiring tests: the UI fixtures of tests/ui."""

from tests.ui.conftest import clock, make_ui, session_root, vaults

__all__ = ["clock", "make_ui", "session_root", "vaults"]
