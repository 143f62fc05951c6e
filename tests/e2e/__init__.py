"""End-to-end tests: the stories of docs/architecture.md through the whole booth and a real hub."""
