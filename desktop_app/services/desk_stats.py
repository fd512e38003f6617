"""The supervisor desk's figures: the flagged queue, volume and sentiment charts, agent
throughput and model health, each one read-only query over the existing tables.

Every function returns frozen dataclasses and takes ``now`` (naive UTC, as the tables
store times) where the answer depends on the clock, so tests can pin it. Times in the
results are naive UTC too; the UI converts them to local time for display.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from rapidfuzz.distance import Levenshtein
from sqlalchemy import ColumnElement, Row, case, distinct, func, select
from sqlalchemy.orm import aliased

from desktop_app.domain.vocabulary import (
    INTENTS,
    NEGATIVE,
    SENTIMENTS,
    TRIGGER_PREFIX,
    FlagRule,
    MessageRole,
    TicketStatus,
)
from desktop_app.services.display import mask_for_display
from desktop_app.services.severity import WEIGHTS, Severity, severity, waiting_factor
from desktop_app.domain.clock import utcnow
from desktop_app.store.database import Database
from desktop_app.store.schema import Feedback, Message, ReplyOutcome, Ticket, TicketTag
from desktop_app.store.tickets import load_json, stored_reasons

Bucket = Literal["hour", "day"]
TASKS: dict[str, tuple[str, ...]] = {"intent": tuple(INTENTS), "sentiment": tuple(SENTIMENTS)}
CLOSED_STATUSES: tuple[str, ...] = (TicketStatus.RESOLVED.value, "closed")

HOUR = 3600
DAY = 24 * HOUR
# (lower, upper) bounds in seconds of the "flagged and still waiting" age buckets; upper None: open.
AGE_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, HOUR),
    (HOUR, 4 * HOUR),
    (4 * HOUR, DAY),
    (DAY, 3 * DAY),
    (3 * DAY, None),
)
# (lower, upper) bounds of the draft edit-distance histogram, in characters; upper exclusive, None: open.
EDIT_DISTANCE_BINS: tuple[tuple[int, int | None], ...] = (
    (0, 1),
    (1, 6),
    (6, 21),
    (21, 51),
    (51, 101),
    (101, 201),
    (201, None),
)
FLAGGED_LIMIT = 1000  # the flagged queue shows at most this many, the most severe
ESCALATION_SCAN_CHARS = 4000  # escalation words are looked for in this much of each ticket's text
DEFAULT_DRAFT_SAMPLE = 2000  # the newest reply outcomes measured (pure-Python edit distance, cached)


# -- results ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class FlaggedTicket:
    id: int
    external_id: str
    customer: str
    intent: str | None
    intent_score: float | None  # None: set by an agent (or untagged)
    sentiment: str | None
    sentiment_score: float | None
    reasons: tuple[str, ...]  # the stored flag reasons, as the tagger or a correction wrote them
    trigger_phrases: tuple[str, ...]  # the words of the "触发词：「…」" reason, if any
    assignee: str | None
    status: str
    created_at: datetime
    waiting_since: datetime | None  # None: the customer is not waiting on us
    waited_seconds: int | None
    severity: Severity = Severity()  # services.severity: what orders the desk, highest first
    version: int = 0  # the row's version when read: the desk's actions name it, so a stale one is refused

    @property
    def negative_score(self) -> float | None:
        """p(negative) when the model set the sentiment to negative, else None."""
        return self.sentiment_score if self.sentiment == NEGATIVE else None


@dataclass(frozen=True, slots=True)
class IntentVolume:
    counts: tuple[tuple[str, int], ...]  # (intent id, tickets), taxonomy order then unknown ids
    untagged: int

    @property
    def total(self) -> int:
        return sum(count for _, count in self.counts) + self.untagged


@dataclass(frozen=True, slots=True)
class ShareBucket:
    start: datetime  # naive UTC start of the (local) hour or day
    total: int  # tickets created in the bucket
    tagged: int  # of which have a sentiment
    negative: int

    @property
    def share(self) -> float | None:
        """Negative share of the tagged tickets; None when none is tagged."""
        return self.negative / self.tagged if self.tagged else None


@dataclass(frozen=True, slots=True)
class AgeBucket:
    lower_seconds: int
    upper_seconds: int | None  # exclusive; None: no upper bound
    count: int


@dataclass(frozen=True, slots=True)
class AgentLoad:
    agent: str
    tickets: int  # distinct tickets the agent replied to
    replies: int  # agent messages
    median_handling_seconds: float | None  # None: no reply followed a customer message


@dataclass(frozen=True, slots=True)
class LabelCorrections:
    label: str | None  # the model's label; None: corrected before the ticket was tagged
    tagged: int  # tickets the model gave this label (ticket_tags)
    corrections: int

    @property
    def rate(self) -> float | None:
        return self.corrections / self.tagged if self.tagged else None


@dataclass(frozen=True, slots=True)
class TaskHealth:
    task: str  # "intent" or "sentiment"
    corrections: tuple[LabelCorrections, ...]  # one per row label
    row_labels: tuple[str | None, ...]  # model labels: the taxonomy, extras seen, then None if any
    column_labels: tuple[str, ...]  # corrected labels: the taxonomy, then extras seen
    matrix: tuple[tuple[int, ...], ...]  # matrix[row][column]: corrections model label -> corrected label

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.matrix)


@dataclass(frozen=True, slots=True)
class HistogramBin:
    lower: int
    upper: int | None  # exclusive; None: no upper bound
    count: int


@dataclass(frozen=True, slots=True)
class DraftEditStats:
    count: int  # replies sent from a generated draft (in the sample)
    unchanged: int  # sent exactly as generated (ignoring leading/trailing whitespace)
    distances: tuple[int, ...]  # character-level Levenshtein distance per reply, newest first
    bins: tuple[HistogramBin, ...]

    @property
    def unchanged_share(self) -> float | None:
        return self.unchanged / self.count if self.count else None

    @property
    def median_distance(self) -> float | None:
        return float(statistics.median(self.distances)) if self.distances else None


# -- edit distance ------------------------------------------------------------------
def levenshtein(a: str, b: str) -> int:
    """Character-level Levenshtein distance (insert, delete, substitute: cost 1), the raw
    count rather than a normalised ratio: rapidfuzz's C++ bit-parallel implementation, which
    also trims the common prefix and suffix (most drafts are edited at one end)."""
    return int(Levenshtein.distance(a, b))


def histogram(
    values: Iterable[int], bins: Sequence[tuple[int, int | None]] = EDIT_DISTANCE_BINS
) -> tuple[HistogramBin, ...]:
    counts = [0] * len(bins)
    for value in values:
        for index, (lower, upper) in enumerate(bins):
            if value >= lower and (upper is None or value < upper):
                counts[index] += 1
                break
    return tuple(HistogramBin(lower, upper, count) for (lower, upper), count in zip(bins, counts, strict=True))


def trigger_phrases(reasons: Iterable[str]) -> tuple[str, ...]:
    """The words of a ``触发词：「投诉」「差评」`` reason."""
    found: list[str] = []
    for reason in reasons:
        if reason.startswith(TRIGGER_PREFIX):
            found += [part.split("」", 1)[0] for part in reason[len(TRIGGER_PREFIX) :].split("「")[1:] if "」" in part]
    return tuple(found)


def local_utc_offset() -> timedelta:
    """This PC's offset from UTC now (the buckets of the charts follow local hours and days)."""
    return datetime.now().astimezone().utcoffset() or timedelta(0)


def _static_severity(row: Row[*tuple[Any, ...]]) -> Severity:
    """The parts of a ticket's severity that do not change while it waits (no wait yet)."""
    data = load_json(row.tag_scores)
    data = data if isinstance(data, dict) else {}

    def scores(task: str) -> dict[str, float]:
        found = data.get(task)
        if not isinstance(found, dict):
            return {}
        return {str(k): float(v) for k, v in found.items() if isinstance(v, int | float) and not isinstance(v, bool)}

    try:
        flag_intents = FlagRule.from_json(data.get("flag")).intents
    except ValueError:
        flag_intents = FlagRule().intents
    return severity(
        intent=row.intent,
        intent_score=row.intent_score,
        intent_scores=scores("intent"),
        sentiment=row.sentiment,
        sentiment_score=row.sentiment_score,
        sentiment_scores=scores("sentiment"),
        text=row.text or "",
        waited_seconds=None,
        flag_intents=flag_intents,
    )


# -- the service ----------------------------------------------------------------------
class DeskStatsService:
    """Read-only statistics for the supervisor desk; every method opens its own session."""

    def __init__(self, db: Database) -> None:
        self.db = db
        # (draft, sent text) -> edit distance of the last sample: a periodic refresh only
        # measures the replies sent since (the DP is pure Python, ~0.4 ms per reply).
        self._distances: dict[tuple[str, str], int] = {}
        # ticket id -> ((version, tagged_at), its severity without the wait) of the last refresh.
        self._severities: dict[int, tuple[tuple[int, datetime | None], Severity]] = {}

    # flagged queue --------------------------------------------------------------------
    def flagged_tickets(self, now: datetime | None = None, limit: int = FLAGGED_LIMIT) -> list[FlaggedTicket]:
        """Flagged tickets that are not resolved, the most severe first (``services.severity``;
        ties: the longest-waiting, then the oldest).

        The severity depends on the wait, so it is worked out on every call over all open
        flagged tickets; its other parts (from the stored tags and the first
        ``ESCALATION_SCAN_CHARS`` of the text) are kept per ticket until its version or
        tagging changes, so a refresh reads only light columns. Only the ``limit`` most
        severe are built into rows.
        """
        now = now or utcnow()
        open_flagged = (Ticket.flagged.is_(True), Ticket.status.not_in(CLOSED_STATUSES))
        light = select(Ticket.id, Ticket.version, Ticket.tagged_at, Ticket.waiting_since, Ticket.created_at)
        heavy = select(
            Ticket.id,
            Ticket.version,
            Ticket.tagged_at,
            Ticket.intent,
            Ticket.intent_score,
            Ticket.sentiment,
            Ticket.sentiment_score,
            Ticket.tag_scores,
            func.substr(Ticket.text, 1, ESCALATION_SCAN_CHARS).label("text"),
        )
        detail = select(
            Ticket.id,
            Ticket.external_id,
            Ticket.customer,
            Ticket.intent,
            Ticket.intent_score,
            Ticket.sentiment,
            Ticket.sentiment_score,
            Ticket.flag_reasons,
            Ticket.assignee,
            Ticket.status,
            Ticket.created_at,
            Ticket.waiting_since,
            Ticket.version,
        )
        known = self._severities
        with self.db.session() as session:
            candidates = session.execute(light.where(*open_flagged)).all()
            missing = [row.id for row in candidates if known.get(row.id, (None,))[0] != (row.version, row.tagged_at)]
            for start in range(0, len(missing), 1000):
                for row in session.execute(heavy.where(Ticket.id.in_(missing[start : start + 1000]))):
                    known[row.id] = ((row.version, row.tagged_at), _static_severity(row))
            ranked: list[tuple[float, int, datetime, int, Severity, int | None]] = []
            wait_weight = 100.0 * WEIGHTS["waiting"]
            for row in candidates:
                entry = known.get(row.id)
                if entry is None:  # deleted between the two reads
                    continue
                waited = None if row.waiting_since is None else max(int((now - row.waiting_since).total_seconds()), 0)
                score = entry[1].score + wait_weight * waiting_factor(waited)  # the static parts carry no wait
                longest_wait_first = -waited if waited is not None else 1
                ranked.append((-score, longest_wait_first, row.created_at, row.id, entry[1], waited))
            self._severities = {row.id: known[row.id] for row in candidates if row.id in known}
            ranked.sort(key=lambda item: item[:4])
            ranked = ranked[:limit]
            chosen = [item[3] for item in ranked]
            rows = {row.id: row for row in session.execute(detail.where(Ticket.id.in_(chosen)))} if chosen else {}
        result = []
        for _score, _wait, _created, ticket_id, static, waited in ranked:
            parts = replace(static, waiting=waiting_factor(waited))
            if ticket_id not in rows:  # resolved or deleted between the two reads
                continue
            row = rows[ticket_id]
            # The desk is a screen like any other: customer fields and quoted trigger words are masked.
            reasons = tuple(mask_for_display(reason) for reason in stored_reasons(row.flag_reasons))
            result.append(
                FlaggedTicket(
                    id=row.id,
                    external_id=row.external_id,
                    customer=mask_for_display(row.customer or ""),
                    intent=row.intent,
                    intent_score=row.intent_score,
                    sentiment=row.sentiment,
                    sentiment_score=row.sentiment_score,
                    reasons=reasons,
                    trigger_phrases=trigger_phrases(reasons),
                    assignee=row.assignee,
                    status=row.status,
                    created_at=row.created_at,
                    waiting_since=row.waiting_since,
                    waited_seconds=waited,
                    severity=parts,
                    version=row.version,
                )
            )
        return result

    def known_agents(self) -> list[str]:
        """Everyone who holds a ticket or has replied to one, sorted (the reassign choices)."""
        with self.db.session() as session:
            holders = session.scalars(select(Ticket.assignee).where(Ticket.assignee.is_not(None)).distinct())
            names = set(holders)
            names |= set(
                session.scalars(
                    select(Message.author)
                    .where(Message.role == MessageRole.AGENT.value, Message.author != "")
                    .distinct()
                )
            )
        return sorted(name for name in names if name)

    # charts -------------------------------------------------------------------------
    def volume_by_intent(self, since: datetime | None = None) -> IntentVolume:
        """Tickets per intent (created at or after ``since`` when given); untagged apart."""
        statement = select(Ticket.intent, func.count()).group_by(Ticket.intent)
        if since is not None:
            statement = statement.where(Ticket.created_at >= since)
        with self.db.session() as session:
            found = {intent: int(count) for intent, count in session.execute(statement).all()}
        untagged = found.pop(None, 0)
        ordered = [(intent, found.pop(intent)) for intent in INTENTS if intent in found]
        ordered += sorted((intent, count) for intent, count in found.items() if intent is not None)
        return IntentVolume(tuple(ordered), untagged)

    def negative_share(
        self,
        bucket: Bucket = "day",
        since: datetime | None = None,
        now: datetime | None = None,
        utc_offset: timedelta | None = None,
        trim_leading_empty: bool = True,
    ) -> list[ShareBucket]:
        """Negative share of the tickets created per local hour or day, oldest first.

        ``since`` defaults to 48 hours (hour buckets) or 30 days (day buckets) before ``now``;
        every bucket from the first one holding a ticket (``trim_leading_empty``, so a young
        database does not show a month of nothing; else from ``since``) up to ``now`` is
        present, empty ones with zero counts; a window without tickets is all zeros. ``utc_offset`` is
        the local time zone's (default: this PC's), so that days start at local midnight.
        """
        if bucket not in ("hour", "day"):
            raise ValueError(f"bucket must be 'hour' or 'day', not {bucket!r}")
        now = now or utcnow()
        offset = local_utc_offset() if utc_offset is None else utc_offset
        since = since or now - (timedelta(hours=47) if bucket == "hour" else timedelta(days=29))

        def floor(moment: datetime) -> datetime:  # naive UTC -> start of its local bucket, naive local
            local = moment + offset
            return (
                local.replace(minute=0, second=0, microsecond=0)
                if bucket == "hour"
                else local.replace(hour=0, minute=0, second=0, microsecond=0)
            )

        first, last = floor(since), floor(now)
        step = timedelta(hours=1) if bucket == "hour" else timedelta(days=1)
        key = self._bucket_expression(bucket, offset)
        negative = func.sum(case((Ticket.sentiment == NEGATIVE, 1), else_=0))
        statement = (
            select(key.label("bucket"), func.count(), func.count(Ticket.sentiment), negative)
            .where(Ticket.created_at >= first - offset, Ticket.created_at < last + step - offset)
            .group_by(key)
        )
        with self.db.session() as session:
            rows = session.execute(statement).all()
        found: dict[datetime, tuple[int, int, int]] = {}
        for raw, total, tagged, neg in rows:
            start = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
            found[start.replace(tzinfo=None)] = (int(total), int(tagged), int(neg or 0))
        if found and trim_leading_empty:
            first = max(first, min(found))
        result = []
        moment = first
        while moment <= last:
            total, tagged, neg = found.get(moment, (0, 0, 0))
            result.append(ShareBucket(moment - offset, total, tagged, neg))
            moment += step
        return result

    def _bucket_expression(self, bucket: Bucket, offset: timedelta) -> ColumnElement[Any]:
        """SQL for the local start of a ticket's bucket (naive local time)."""
        if self.db.engine.dialect.name == "sqlite":
            fmt = "%Y-%m-%d %H:00:00" if bucket == "hour" else "%Y-%m-%d 00:00:00"
            minutes = int(offset.total_seconds() // 60)
            return func.strftime(fmt, Ticket.created_at, f"{minutes:+d} minutes")
        return func.date_trunc(bucket, Ticket.created_at + offset)

    def flagged_waiting_by_age(self, now: datetime | None = None) -> list[AgeBucket]:
        """Flagged, unresolved tickets whose customer waits on us, by how long they have waited:
        under 1 h, 1–4 h, 4–24 h, 1–3 days, over 3 days."""
        now = now or utcnow()
        statement = select(Ticket.waiting_since).where(
            Ticket.flagged.is_(True), Ticket.status.not_in(CLOSED_STATUSES), Ticket.waiting_since.is_not(None)
        )
        with self.db.session() as session:
            waits = [max((now - since).total_seconds(), 0) for since in session.scalars(statement) if since is not None]
        counts = [0] * len(AGE_BUCKETS)
        for waited in waits:
            for index, (lower, upper) in enumerate(AGE_BUCKETS):
                if waited >= lower and (upper is None or waited < upper):
                    counts[index] += 1
                    break
        return [AgeBucket(lower, upper, count) for (lower, upper), count in zip(AGE_BUCKETS, counts, strict=True)]

    def agent_load(self, since: datetime | None = None) -> list[AgentLoad]:
        """Per agent (message author): replies, distinct tickets replied to, and the median
        handling time, busiest agent first.

        Handling time of one agent message: the time from the latest customer message of the
        same ticket at or before it to the agent message. Agent messages with no earlier
        customer message are counted as replies but have no handling time. ``since`` limits
        the agent messages counted to those sent at or after it.
        """
        customer = aliased(Message)
        preceding = (
            select(func.max(customer.created_at))
            .where(
                customer.ticket_id == Message.ticket_id,
                customer.role == MessageRole.CUSTOMER.value,
                customer.created_at <= Message.created_at,
            )
            .correlate(Message)
            .scalar_subquery()
        )
        statement = select(Message.author, Message.ticket_id, Message.created_at, preceding).where(
            Message.role == MessageRole.AGENT.value
        )
        if since is not None:
            statement = statement.where(Message.created_at >= since)
        replies: Counter[str] = Counter()
        tickets: dict[str, set[int]] = defaultdict(set)
        durations: dict[str, list[float]] = defaultdict(list)
        with self.db.session() as session:
            for author, ticket_id, sent_at, asked_at in session.execute(statement):
                name = author or ""
                replies[name] += 1
                tickets[name].add(ticket_id)
                if asked_at is not None:
                    durations[name].append((sent_at - asked_at).total_seconds())
        loads = [
            AgentLoad(
                agent=name,
                tickets=len(tickets[name]),
                replies=count,
                median_handling_seconds=float(statistics.median(durations[name])) if durations[name] else None,
            )
            for name, count in replies.items()
        ]
        return sorted(loads, key=lambda load: (-load.tickets, -load.replies, load.agent))

    # model health -------------------------------------------------------------------
    def task_health(self, task: str) -> TaskHealth:
        """Agents' corrections of one task's tags: per model label how many tickets the model
        gave that label and how many of those an agent corrected, and the confusion matrix
        model label × corrected label (feedback rows)."""
        if task not in TASKS:
            raise ValueError(f"task must be one of {', '.join(TASKS)}, not {task!r}")
        with self.db.session() as session:
            pairs = session.execute(
                select(Feedback.model_label, Feedback.corrected_label, func.count())
                .where(Feedback.task == task)
                .group_by(Feedback.model_label, Feedback.corrected_label)
            ).all()
            tagged = dict(
                session.execute(
                    select(TicketTag.label, func.count(distinct(TicketTag.ticket_id)))
                    .where(TicketTag.task == task)
                    .group_by(TicketTag.label)
                ).all()
            )
        return _task_health(task, [(m, c, int(n)) for m, c, n in pairs], {k: int(v) for k, v in tagged.items()})

    def draft_edits(self, since: datetime | None = None, limit: int = DEFAULT_DRAFT_SAMPLE) -> DraftEditStats:
        """How much agents changed generated drafts before sending: the newest ``limit`` replies
        sent from a draft (``generated`` not NULL), their character-level Levenshtein distances
        between the draft and the sent text (both stripped of surrounding whitespace), and how
        many were sent unchanged (distance 0). Distances of the previous call are reused."""
        statement = (
            select(ReplyOutcome.generated, ReplyOutcome.final)
            .where(ReplyOutcome.generated.is_not(None))
            .order_by(ReplyOutcome.created_at.desc(), ReplyOutcome.id.desc())
            .limit(limit)
        )
        if since is not None:
            statement = statement.where(ReplyOutcome.created_at >= since)
        with self.db.session() as session:
            pairs = session.execute(statement).all()
        known, measured = self._distances, {}
        for generated, final in pairs:
            key = ((generated or "").strip(), (final or "").strip())
            if key not in measured:
                measured[key] = known[key] if key in known else levenshtein(*key)
        self._distances = measured
        distances = tuple(measured[((g or "").strip(), (f or "").strip())] for g, f in pairs)
        return DraftEditStats(
            count=len(distances),
            unchanged=sum(1 for distance in distances if distance == 0),
            distances=distances,
            bins=histogram(distances),
        )


def _task_health(task: str, pairs: list[tuple[str | None, str, int]], tagged: dict[str, int]) -> TaskHealth:
    known = TASKS[task]
    seen_models = {model for model, _, _ in pairs}
    extra_rows = sorted({label for label in seen_models | set(tagged) if label is not None and label not in known})
    row_labels: list[str | None] = [*known, *extra_rows]
    if None in seen_models:
        row_labels.append(None)
    column_labels = [*known, *sorted({c for _, c, _ in pairs if c not in known})]
    rows = {label: index for index, label in enumerate(row_labels)}
    columns = {label: index for index, label in enumerate(column_labels)}
    matrix = [[0] * len(column_labels) for _ in row_labels]
    for model, corrected, count in pairs:
        matrix[rows[model]][columns[corrected]] += count
    corrections = tuple(
        LabelCorrections(label, tagged.get(label, 0) if label is not None else 0, sum(matrix[index]))
        for index, label in enumerate(row_labels)
    )
    return TaskHealth(
        task=task,
        corrections=corrections,
        row_labels=tuple(row_labels),
        column_labels=tuple(column_labels),
        matrix=tuple(tuple(row) for row in matrix),
    )


__all__ = [
    "AGE_BUCKETS",
    "EDIT_DISTANCE_BINS",
    "FLAGGED_LIMIT",
    "AgeBucket",
    "AgentLoad",
    "DeskStatsService",
    "DraftEditStats",
    "FlaggedTicket",
    "HistogramBin",
    "IntentVolume",
    "LabelCorrections",
    "ShareBucket",
    "TaskHealth",
    "histogram",
    "levenshtein",
    "trigger_phrases",
]
