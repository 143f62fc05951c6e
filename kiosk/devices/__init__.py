"""Booth devices: one folder per device with a sans-IO protocol, an asyncio link and an emulator."""
