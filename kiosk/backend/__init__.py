"""The booth's side of the hub: httpx API client, outbox, booth control WebSocket."""
