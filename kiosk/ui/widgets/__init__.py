"""Reusable pieces of the booth window: header, footer, keypad, overlays, building blocks."""
