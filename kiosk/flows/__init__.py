"""Service workflows as plain state machines driven by the catalog. No Qt, no IO."""
