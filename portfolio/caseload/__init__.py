"""caseload area."""
