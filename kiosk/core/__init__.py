"""Pure domain: identifiers and codes, catalog, cases, materials, clock and errors. No IO."""
