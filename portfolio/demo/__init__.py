"""The demo: two providers with their people, and learners' portfolios at different stages
(just started, mid-way, signed off), so a new user sees the product working at once.

``people`` makes the providers, cohorts and people; ``stories`` holds what they write;
``media`` draws the photos, the voice note and the PDF; ``portfolios`` builds each stage
through the services; ``cli`` is the ``demo`` command.
"""
