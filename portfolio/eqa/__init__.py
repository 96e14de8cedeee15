"""The external quality assurer's area: the learners they may look at, for as long as allowed."""
