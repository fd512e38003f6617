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

from desktop_app.nlp.drafting.drafter import DraftResult, ReplyDrafter
from desktop_app.nlp.drafting.guard import PromiseMark, promise_check
from desktop_app.nlp.drafting.knowledge_base import KbEntry, KnowledgeBase
from desktop_app.nlp.drafting.pipeline import DraftPlan, Drafter, TicketView, draft_ticket, plan_draft
from desktop_app.nlp.drafting.process import ProcessDrafter
from desktop_app.nlp.drafting.prompt import Turn
from desktop_app.nlp.drafting.retrieval import Retriever, load_ranker
from desktop_app.nlp.model_folder import ModelFolderError
from desktop_app.services.display import mask_for_display
from desktop_app.store.database import Database
from desktop_app.domain.records import DraftRecord
from desktop_app.store.drafts import DraftRepository
from desktop_app.domain.records import TicketDetail
from desktop_app.store.tickets import TicketRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GeneratedDraft:
    ticket_id: int
    result: DraftResult
    kb_entries: tuple[KbEntry, ...]
    saved: DraftRecord | None  # None when stopped, or when the agent had started typing meanwhile
    marks: tuple[PromiseMark, ...] = ()


def view_of(ticket: TicketDetail) -> TicketView:
    """The pipeline's view of a stored ticket (its messages, tags and order fields)."""
    turns = tuple(Turn("agent" if m.role == "agent" else "customer", m.text) for m in ticket.messages if m.text)
    if not turns:
        turns = (Turn("customer", ticket.text),)
    return TicketView(
        turns=turns,
        intent=ticket.intent,
        sentiment=ticket.sentiment,
        order_id=ticket.order_id,
        product=ticket.product,
        customer=ticket.customer,
        request_id=ticket.external_id,
        intent_scores=ticket.intent_scores or None,
        sentiment_scores=ticket.sentiment_scores or None,
    )


class DraftingService:
    def __init__(self, db: Database, drafter: Drafter, kb: KnowledgeBase, retriever: Retriever | None = None) -> None:
        self.db = db
        self.drafter = drafter
        self.kb = kb
        self.retriever = retriever or Retriever(kb)

    def close(self) -> None:
        """End the drafter's process, if it has one."""
        close = getattr(self.drafter, "close", None)
        if close is not None:
            close()

    def plan(self, ticket_id: int) -> DraftPlan:
        with self.db.session() as session:
            ticket = TicketRepository(session).detail(ticket_id)
        return plan_draft(view_of(ticket), self.retriever, mask=mask_for_display)


    def needs_draft(self, ticket_id: int, agent: str) -> bool:
        """No draft yet (or only an untouched AI draft older than the newest message), nobody
        else holds the ticket, and the customer spoke last."""
        with self.db.session() as session:
            draft = DraftRepository(session).get(ticket_id, agent)
            ticket = TicketRepository(session).detail(ticket_id)
        if draft is not None and draft.answers(ticket.messages):
            return False
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
        seed: int | None = None,
    ) -> GeneratedDraft:
        """Draft a reply and store it as the agent's draft.

        Without ``seed`` the draft is greedy (a prefetched draft equals the one drawn on
        open); 重新生成 passes a new seed for a different draft. With
        ``replace_untouched_only`` an existing draft the agent has edited is never
        overwritten (the generated text is still returned for the editor to offer).
        """
        planned = self.plan(ticket_id)
        outcome = draft_ticket(self.drafter, planned, cancel=cancel, on_token=on_token, seed=seed)
        result = outcome.result
        saved = None
        if not result.stopped and result.text.strip():
            with self.db.session() as session:
                drafts = DraftRepository(session)
                current = drafts.get(ticket_id, agent)
                if current is None or current.untouched or not replace_untouched_only:
                    saved = drafts.put_generated(ticket_id, agent, result.text, result.model, result.kb_ids)
        return GeneratedDraft(ticket_id, result, planned.kb_entries, saved, tuple(outcome.marks))

    def marks_for(self, ticket_id: int, text: str, kb_ids: tuple[str, ...]) -> tuple[PromiseMark, ...]:
        """The promise check of a stored draft (a prefetched one, opened later): its sentences
        against the entries it was written from and the ticket, as when it was generated."""
        planned = self.plan(ticket_id)
        entries = self.entries(kb_ids) if kb_ids else list(planned.kb_entries)
        ticket_support = (*(t.text for t in planned.request.turns()), planned.request.product)
        return tuple(promise_check(text, (*(e.text for e in entries), *ticket_support)))

    def entries(self, ids: tuple[str, ...]) -> list[KbEntry]:
        return [e for e in (self.kb.get(i) for i in ids) if e is not None]


def load_drafting(
    db: Database,
    drafter_folder: Path,
    kb_folder: Path,
    threads: int | None = None,
    isolated: bool = True,
    ranker_folder: Path | None = None,
) -> DraftingService:
    """Load the drafter (hashes verified) and the knowledge base; ModelFolderError, or
    KnowledgeBaseError / OSError for the knowledge base, say why drafts are off.

    ``isolated`` runs the model in a child process (:mod:`desktop_app.nlp.drafting.process`),
    which the GUI needs: onnxruntime-genai holds the interpreter lock while it computes.
    """
    kb = KnowledgeBase.load(kb_folder)
    for problem in kb.problems:
        log.warning("knowledge base entry skipped: %s", problem)
    try:
        ranker = load_ranker(ranker_folder)
    except ModelFolderError as exc:  # a damaged ranker: BM25 alone still finds entries
        log.warning("knowledge-base ranker refused, using BM25 alone: %s", exc)
        ranker = None
    drafter: Drafter
    if isolated:
        drafter = ProcessDrafter.load(drafter_folder, threads=threads)
    else:
        drafter = ReplyDrafter.load(drafter_folder, threads=threads)
    return DraftingService(db, drafter, kb, Retriever(kb, ranker))
