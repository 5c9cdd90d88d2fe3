"""Events that cannot have happened in the order a profile gives them.

A report cannot precede every listing, nor a correction every order; such a profile is inconsistent, and
the error names both events' field paths rather than reordering them silently.
"""

from __future__ import annotations

from .errors import ProfileIssue
from .profile import Event

# (the event, the kind of event that must come first, how to say it)
MUST_FOLLOW: tuple[tuple[str, str, str], ...] = (
    ("report_submitted", "listed", "a report submitted before the enterprise was first listed"),
    ("audit_completed", "listed", "an audit completed before the enterprise was first listed"),
    ("results_published", "listed", "audit results published before the enterprise was first listed"),
    ("audit_completed", "audit_started", "an audit completed before any audit started"),
    ("corrected", "order_to_correct", "a correction before any order to correct"),
    ("evaluation", "evaluation_applied", "an evaluation before any application for it"),
    ("acceptance", "acceptance_applied", "an acceptance decision before any application for it"),
)


def order_issues(events: tuple[Event, ...]) -> list[ProfileIssue]:
    """Every event dated before the first event that must precede it, and every order whose deadline
    comes before the order itself."""
    issues = []
    for kind, first_kind, what in MUST_FOLLOW:
        firsts = [e for e in events if e.type == first_kind]
        if not firsts:
            continue
        first = min(firsts, key=lambda e: e.date)
        for e in events:
            if e.type == kind and e.date < first.date:
                issues.append(ProfileIssue(f"{e.path}.date", f"{what}: {kind} on {e.date} comes before "
                                           f"{first_kind} at {first.path} on {first.date}"))
    for e in events:
        if e.type == "order_to_correct" and e.deadline is not None and e.deadline < e.date:
            issues.append(ProfileIssue(f"{e.path}.deadline", f"the deadline {e.deadline} comes before the "
                                       f"order itself ({e.path}.date, {e.date})"))
    return issues
