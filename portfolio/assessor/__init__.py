"""The assessor's area: the queue of submitted evidence, the review page, sign-off and reopening."""
