"""Everyone's notifications page."""
