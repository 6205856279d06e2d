"""Data quality with Great Expectations: one suite per table, severities, offline Data Docs.

Suites live in `articles.py`, `quotes.py`, `people.py` (people and person_aliases) and `events.py`;
`run.py` runs them. Each check is `critical` (stops the publish), `row` (its rows go to quarantine)
or `warning` (recorded only).
"""

import os

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

from expectations.run import (  # noqa: E402
    RECORD_SCHEMA,
    SUITES,
    ValidationOutcome,
    ValidationSession,
    apply_rejections,
    summary_markdown,
    validate_tables,
)

__all__ = ["RECORD_SCHEMA", "SUITES", "ValidationOutcome", "ValidationSession",
           "apply_rejections", "summary_markdown", "validate_tables"]
