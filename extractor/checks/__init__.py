"""Consistency checks: does each figure agree with the others the report prints, with the unit's
own other years, and with its communes?

A misread digit that passes every per-value rule (label, shape, OCR confidence) still breaks the
way the report's figures hang together. The checks are data (`patterns/checks.yaml`, loaded with
the catalogue: `rules`); `identity` evaluates those within one report, `repairs` finds the one
misreading that would explain a failure, `history` and `rollup` judge a figure against the same
unit's other years and against the sum of its communes. Nothing here changes a value: a failed
check is reported (the `checks` key of the contract) and left for review as `inconsistent`.
"""
