"""learner area."""
