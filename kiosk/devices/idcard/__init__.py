"""Resident ID-card reader speaking the GA 467 "SAM" serial protocol."""
