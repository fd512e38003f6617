"""Drafting a reply for a ticket: the request from the ticket, the knowledge base, the outcome.

The service reads the ticket (its messages, tags and order fields), retrieves knowledge-base
entries for the customer's recent words and the ticket's intent, and asks the drafter. A
generated draft is stored as the agent's draft (body and generated text), so that a
prefetched draft is simply there when the ticket is opened and a crash loses nothing.
"""

from __future__ import annotations

import logging

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from desktop_app.nlp.drafting.fill import with_policy
from desktop_app.nlp.drafting.prompt import DraftRequest, Turn
from desktop_app.nlp.drafting.drafter import DraftResult, ReplyDrafter
from desktop_app.nlp.drafting.process import ProcessDrafter
from desktop_app.nlp.drafting.knowledge_base import KbEntry, KnowledgeBase, policy_text
from desktop_app.services.display import mask_for_display
from desktop_app.store.database import Database
from desktop_app.domain.records import DraftRecord
from desktop_app.store.drafts import DraftRepository
from desktop_app.domain.records import TicketDetail
from desktop_app.store.tickets import TicketRepository

RECENT_CUSTOMER_CHARS = 200
KB_ENTRIES = 1  # the entry in the prompt is the one shown as the draft's source

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlannedDraft:
    request: DraftRequest
    kb_entries: tuple[KbEntry, ...]
    policy: str | None = None  # the entry's text, appended to the draft when it matches well
    customer_last: str = ""


@dataclass(frozen=True)
class GeneratedDraft:
    ticket_id: int
    result: DraftResult
    kb_entries: tuple[KbEntry, ...]
    saved: DraftRecord | None  # None when stopped, or when the agent had started typing meanwhile


def request_for(ticket: TicketDetail, kb: KnowledgeBase) -> PlannedDraft:
    """The generator's view of a ticket: turns, tags, order facts and the best KB entries."""
    # The model reads what an agent may see: personal data masked (a model could echo it into
    # a draft), order numbers kept (the draft fills in the ticket's own).
    history = tuple(
        Turn("agent" if m.role == "agent" else "customer", mask_for_display(m.text)) for m in ticket.messages if m.text
    )
    if not history:
        history = (Turn("customer", mask_for_display(ticket.text)),)
    customer_words = "\n".join(t.text for t in history if t.role == "customer")[-RECENT_CUSTOMER_CHARS:]
    hits = kb.search(customer_words, limit=KB_ENTRIES, intent=ticket.intent)
    entries = tuple(hit.entry for hit in hits)
    policy = policy_text(hits)
    last = next((t.text for t in reversed(history) if t.role == "customer"), "")
    request = DraftRequest(
        text="",
        history=history,
        intent=ticket.intent,
        sentiment=ticket.sentiment,
        order_id=ticket.order_id,
        product=ticket.product,
        customer=ticket.customer,
        request_id=ticket.external_id,
        kb_texts=tuple(e.text for e in entries),
    )
    return PlannedDraft(request, entries, policy, last)


class Drafter(Protocol):
    """What drafting needs of a model: :class:`ReplyDrafter` in-process or in a child process."""

    name: str

    def stream(
        self,
        request: DraftRequest,
        cancel: threading.Event | None = None,
        max_new_tokens: int | None = None,
        on_token: Callable[[str], None] | None = None,
        min_new_tokens: int = 0,
    ) -> DraftResult: ...


class DraftingService:
    def __init__(self, db: Database, drafter: Drafter, kb: KnowledgeBase) -> None:
        self.db = db
        self.drafter = drafter
        self.kb = kb

    def close(self) -> None:
        """End the drafter's process, if it has one."""
        close = getattr(self.drafter, "close", None)
        if close is not None:
            close()

    def plan(self, ticket_id: int) -> PlannedDraft:
        with self.db.session() as session:
            return request_for(TicketRepository(session).detail(ticket_id), self.kb)

    def needs_draft(self, ticket_id: int, agent: str) -> bool:
        """No draft yet, nobody else holds the ticket, and the customer spoke last."""
        with self.db.session() as session:
            if DraftRepository(session).get(ticket_id, agent) is not None:
                return False
            ticket = TicketRepository(session).detail(ticket_id)
        if ticket.assignee not in (None, "", agent):
            return False
        return not ticket.messages or ticket.messages[-1].role != "agent"

    def generate(
        self,
        ticket_id: int,
        agent: str,
        cancel: threading.Event | None = None,
        on_token: Callable[[str], None] | None = None,
        replace_untouched_only: bool = True,
    ) -> GeneratedDraft:
        """Draft a reply and store it as the agent's draft.

        With ``replace_untouched_only`` an existing draft the agent has edited is never
        overwritten (the generated text is still returned for the editor to offer).
        """
        planned = self.plan(ticket_id)
        result = self.drafter.stream(planned.request, cancel=cancel, on_token=on_token)
        result.kb_ids = tuple(e.id for e in planned.kb_entries)
        if not result.stopped:
            result.text = with_policy(result.text, planned.policy, planned.customer_last)
        saved = None
        if not result.stopped and result.text.strip():
            with self.db.session() as session:
                drafts = DraftRepository(session)
                current = drafts.get(ticket_id, agent)
                if current is None or current.untouched or not replace_untouched_only:
                    saved = drafts.put_generated(ticket_id, agent, result.text, result.model, result.kb_ids)
        return GeneratedDraft(ticket_id, result, planned.kb_entries, saved)

    def entries(self, ids: tuple[str, ...]) -> list[KbEntry]:
        return [e for e in (self.kb.get(i) for i in ids) if e is not None]


def load_drafting(
    db: Database, drafter_folder: Path, kb_folder: Path, threads: int | None = None, isolated: bool = True
) -> DraftingService:
    """Load the drafter (hashes verified) and the knowledge base; ModelFolderError, or
    KnowledgeBaseError / OSError for the knowledge base, say why drafts are off.

    ``isolated`` runs the model in a child process (:mod:`desktop_app.nlp.drafting.process`),
    which the GUI needs: onnxruntime-genai holds the interpreter lock while it computes.
    """
    kb = KnowledgeBase.load(kb_folder)
    for problem in kb.problems:
        log.warning("knowledge base entry skipped: %s", problem)
    drafter: Drafter
    if isolated:
        drafter = ProcessDrafter.load(drafter_folder, threads=threads)
    else:
        drafter = ReplyDrafter.load(drafter_folder, threads=threads)
    return DraftingService(db, drafter, kb)
