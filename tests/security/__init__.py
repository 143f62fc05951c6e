"""Attacks on a real hub over HTTP and WebSocket on 127.0.0.1, one test per threat."""
