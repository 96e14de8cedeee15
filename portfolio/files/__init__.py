"""files area."""
