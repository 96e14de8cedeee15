"""The internal quality assurer's pages: the sampling plan, sampling records, countersigning,
and the assessor's response to an action."""
