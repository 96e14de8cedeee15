"""Assessment: what assessors decide about a learner's evidence, and the unit's sign-off.

- ``revision``   the compare-and-set that stops two people overwriting each other's decisions
- ``state``      where a portfolio stands: current judgements, sign-offs, what sign-off still needs
- ``review``     the rules of evidence, mapping decisions and judgements for one evidence version
- ``records``    assessor-led evidence and the learner's confirmation of it
- ``feedback``   replies to a judgement's feedback
- ``document``   the canonical document a sign-off hashes (docs/sign-off.md)
- ``signing``    sign off, reopen, and verify a sign-off against the live records
"""
