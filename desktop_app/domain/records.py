"""Plain data passed between the store and the layers above (no ORM objects leak out)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue shows; empty fields mean "any"."""

    statuses: tuple[str, ...] = ()
    intent: str | None = None
    sentiment: str | None = None
    flagged: bool | None = None
    assignee: str | None = None
    search: str = ""


@dataclass(frozen=True, slots=True)
class QueueSort:
    column: str = "waiting"
    descending: bool = False
    # For a column of codes shown as names (intent, sentiment, status): the codes in the
    # order their names read on screen, so the sort follows what the user sees. Codes not
    # listed sort after those listed; empty: by the stored code.
    ranks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QueueRow:
    id: int
    external_id: str
    customer: str
    channel: str
    text: str
    intent: str | None
    sentiment: str | None
    flagged: bool
    status: str
    assignee: str | None
    waiting_since: datetime | None
    updated_at: datetime
    version: int

    @property
    def first_line(self) -> str:
        return self.text.strip().splitlines()[0] if self.text.strip() else ""


@dataclass(frozen=True, slots=True)
class QueuePage:
    rows: list[QueueRow]
    total: int  # with ``total_exact`` False: at least this many (the count stopped there)
    offset: int
    limit: int
    total_exact: bool = True


@dataclass(frozen=True, slots=True)
class MessageRecord:
    role: str
    text: str
    created_at: datetime
    author: str = ""


@dataclass(frozen=True, slots=True)
class NewTicket:
    """A validated ticket ready to insert (from an import or the demo seed)."""

    external_id: str
    text: str
    created_at: datetime
    customer: str = ""
    channel: str = ""
    order_id: str = ""
    product: str = ""
    status: str = "new"
    assignee: str | None = None
    messages: tuple[MessageRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class TicketDetail:
    id: int
    external_id: str
    customer: str
    channel: str
    order_id: str
    product: str
    text: str
    status: str
    assignee: str | None
    intent: str | None
    intent_score: float | None
    sentiment: str | None
    sentiment_score: float | None
    flagged: bool
    created_at: datetime
    updated_at: datetime
    waiting_since: datetime | None
    version: int
    messages: list[MessageRecord] = field(default_factory=list)
    # The tagger's distributions (label -> probability, model order; empty until tagged),
    # why the ticket is flagged, and when it was tagged (or first corrected).
    intent_scores: dict[str, float] = field(default_factory=dict)
    sentiment_scores: dict[str, float] = field(default_factory=dict)
    flag_reasons: list[str] = field(default_factory=list)
    tagged_at: datetime | None = None
    # The claim ("next ticket"): who holds it and until when (a lease past ``claim_until`` is void).
    claimed_by: str | None = None
    claim_until: datetime | None = None

    @property
    def tagged(self) -> bool:
        return self.intent is not None or self.sentiment is not None

    def claim_holder(self, now: datetime) -> str | None:
        """Who is working on the ticket under a live claim at ``now``; None when nobody is."""
        if self.claimed_by and self.claim_until is not None and self.claim_until > now:
            return self.claimed_by
        return None

    @property
    def intent_by_agent(self) -> bool:
        """The intent was set by an agent's correction (the model's scores are kept beside it)."""
        return self.intent is not None and self.intent_score is None

    @property
    def sentiment_by_agent(self) -> bool:
        return self.sentiment is not None and self.sentiment_score is None

    def top_intents(self, count: int = 3) -> list[tuple[str, float]]:
        return sorted(self.intent_scores.items(), key=lambda item: -item[1])[:count]


@dataclass(frozen=True, slots=True)
class TicketTagging:
    """One ticket's tags from a model, ready to store."""

    ticket_id: int
    intent_scores: dict[str, float]
    sentiment_scores: dict[str, float]
    flagged: bool
    flag_reasons: list[str]

    @property
    def intent(self) -> str:
        return max(self.intent_scores, key=self.intent_scores.__getitem__)

    @property
    def sentiment(self) -> str:
        return max(self.sentiment_scores, key=self.sentiment_scores.__getitem__)


@dataclass(frozen=True, slots=True)
class DraftRecord:
    ticket_id: int
    author: str
    body: str
    generated: str | None
    updated_at: datetime
    generated_model: str | None = None
    generated_kb: tuple[str, ...] = ()
    accepted_at: datetime | None = None  # the agent took the AI draft as theirs (Tab)

    @property
    def untouched(self) -> bool:
        """An AI draft the agent has neither edited nor accepted: it reopens marked as a draft."""
        return self.generated is not None and self.body == self.generated and self.accepted_at is None

    def answers(self, messages: Sequence[MessageRecord]) -> bool:
        """False for an untouched AI draft older than a message of the conversation: it was
        written before the customer (or a colleague) said more, and must not be shown."""
        if not self.untouched:
            return True
        return not any(m.created_at > self.updated_at for m in messages)
