"""OCR engines behind an async facade, and field extraction per document type."""
