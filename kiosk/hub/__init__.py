"""The back-office hub: API, signaling, storage, clerk console and citizen pages."""
