"""The one place that says what "now" is: naive UTC, as the tables store it."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def to_naive_utc(moment: datetime) -> datetime:
    """Aware times are converted; naive ones are taken as local time of this PC."""
    if moment.tzinfo is None:
        moment = moment.astimezone()  # attaches the local zone
    return moment.astimezone(UTC).replace(tzinfo=None)
