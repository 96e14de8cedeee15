"""Every write, with its rules and its audit entry. Views call these; these call models/storage."""
