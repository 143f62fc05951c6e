"""End-to-end tests: the stories of DESIGN.md through the whole booth and a real hub."""
