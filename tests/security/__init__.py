"""Attacks on a real hub on 127.0.0.1, one module per threat (docs/security.md)."""
