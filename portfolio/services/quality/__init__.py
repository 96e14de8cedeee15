"""Internal quality assurance: the provider's sampling strategy, the IQA's sampling plan and
records, the countersignature of a sign-off, and what blocks a learner's certification.
docs/quality-assurance.md describes the rules."""
