"""Context → agent-reply pairs for the reply generator, and its two evaluation sets.

Sources (SOURCES.md): ``jddc_pairs`` train, the agent turns of ``jddc2019/chat_0.1per.txt``
with the turns before them, and the CSDS key-utterance dialogues. Held out: the
``jddc_pairs`` test split, the ``jddc2019`` dev sessions (by their question texts), and the
sessions of the tagger's dev/test tickets, so that drafts read for dev tickets are not recalled.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from desktop_app.nlp.drafting.prompt import DraftRequest, Turn, render_context

if TYPE_CHECKING:
    from desktop_app.nlp.drafting.pipeline import TicketView
    from desktop_app.nlp.drafting.retrieval import Retriever
    from desktop_app.training.common.corpus import CorpusTicket
from desktop_app.nlp.text import EMOJI, clean_text

_NOISE = re.compile(r"^(?:[\W_]|\[EMOJI\])*$")
_SYSTEM = ("系统提示", "本次会话", "自动切断")
STOCK_REPLY_CAP = 30  # copies of one reply kept at most: one closing formula is ~4 % of the corpus


@dataclass(frozen=True, slots=True)
class DraftPair:
    turns: tuple[Turn, ...]
    reply: str
    source: str
    session: str = ""

    @property
    def context(self) -> str:
        return render_context(self.turns)

    @property
    def customer_text(self) -> str:
        return "\n".join(t.text for t in self.turns if t.role == "customer")


@dataclass(frozen=True, slots=True)
class EvalItem:
    """One reply to generate, with every human reference for it."""

    turns: tuple[Turn, ...]
    references: tuple[str, ...]
    session: str


@dataclass
class DrafterCorpus:
    train: list[DraftPair]
    dropped: Counter[str] = field(default_factory=Counter)


def clean_reply(text: str) -> str:
    """Agent reply as a training target: placeholders kept as tokens, emoji codes dropped."""
    text = clean_text(text.replace("!@@@!", "，"))
    text = text.replace(EMOJI, "").replace("\n", "，")
    text = re.sub(r"[,，]+", "，", text).strip("，, ")
    return text


def is_usable_reply(reply: str) -> bool:
    return bool(reply) and not _NOISE.match(reply) and not any(marker in reply for marker in _SYSTEM)


def _split_pairs_context(line: str) -> tuple[Turn, ...]:
    """``jddc_pairs`` contexts join turns with commas and carry no roles: one customer turn."""
    return (Turn("customer", line.replace(",", "，").strip("，")),)


def jddc_pairs(data: Path, split: str) -> Iterator[tuple[tuple[Turn, ...], str]]:
    folder = data / "dialogues" / "jddc_pairs"
    contexts = (folder / f"data_{split}.enc").read_text("utf-8").splitlines()
    replies = (folder / f"data_{split}.dec").read_text("utf-8").splitlines()
    for context, reply in zip(contexts, replies, strict=False):
        if context.strip() and reply.strip():
            yield _split_pairs_context(context), reply


def jddc_sessions(data: Path) -> dict[str, list[Turn]]:
    """Sessions of ``chat_0.1per.txt`` with consecutive turns of one side merged."""
    sessions: dict[str, list[Turn]] = {}
    with (data / "dialogues" / "jddc2019" / "chat_0.1per.txt").open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 7:
                continue
            session, role, text = parts[0], "agent" if parts[2] == "1" else "customer", parts[6].strip()
            turns = sessions.setdefault(session, [])
            if turns and turns[-1].role == role:
                turns[-1] = Turn(role, f"{turns[-1].text}，{text}")
            else:
                turns.append(Turn(role, text))
    return sessions


def csds_dialogues(data: Path) -> Iterator[tuple[str, list[Turn]]]:
    lines = (data / "dialogues" / "csds" / "final_ext_gold_refs.txt").read_text("utf-8").splitlines()
    for index, line in enumerate(lines):
        turns: list[Turn] = []
        for match in re.finditer(r"(用户|客服):(.*?)(?=(?:用户|客服):|$)", line):
            role = "agent" if match.group(1) == "客服" else "customer"
            text = match.group(2).strip()
            if turns and turns[-1].role == role:
                turns[-1] = Turn(role, f"{turns[-1].text}{text}")
            elif text:
                turns.append(Turn(role, text))
        yield f"csds-{index}", turns


def _session_pairs(session: str, turns: list[Turn], source: str) -> Iterator[DraftPair]:
    for index, turn in enumerate(turns):
        if turn.role == "agent" and index > 0 and any(t.role == "customer" for t in turns[:index]):
            yield DraftPair(tuple(turns[max(0, index - 6) : index]), turn.text, source, session)


def dev_question_texts(data: Path) -> set[str]:
    """Customer questions of the ``jddc2019`` dev set: any training session that has one is dropped."""
    text = (data / "dialogues" / "jddc2019" / "dev_question.txt").read_text("utf-8")
    questions = re.findall(r"<Q\d+>(.*?)</Q\d+>", text)
    return {clean_text(q.replace("!@@@!", "，")) for q in questions if len(q) >= 8}


def load_corpus(data: Path, held_out_sessions: set[str], seed: int = 13) -> DrafterCorpus:
    """Cleaned, de-duplicated pairs with every stock reply capped at :data:`STOCK_REPLY_CAP` copies."""
    dropped: Counter[str] = Counter()
    raw: list[DraftPair] = [DraftPair(t, r, "jddc_pairs") for t, r in jddc_pairs(data, "train")]
    dev_questions = dev_question_texts(data)
    for session, turns in jddc_sessions(data).items():
        if session in held_out_sessions:
            dropped["held-out ticket session"] += 1
            continue
        if any(clean_text(t.text) in dev_questions for t in turns if t.role == "customer"):
            dropped["jddc2019 dev overlap"] += 1
            continue
        raw.extend(_session_pairs(session, turns, "jddc2019"))
    for session, turns in csds_dialogues(data):
        if session in held_out_sessions:
            dropped["held-out ticket session"] += 1
            continue
        raw.extend(_session_pairs(session, turns, "csds"))

    seen: set[tuple[str, str]] = set()
    pairs: list[DraftPair] = []
    for pair in raw:
        reply = clean_reply(pair.reply)
        if not is_usable_reply(reply):
            dropped["empty or system reply"] += 1
            continue
        key = (pair.context, reply)
        if key in seen:
            dropped["duplicate pair"] += 1
            continue
        seen.add(key)
        pairs.append(DraftPair(pair.turns, reply, pair.source, pair.session))

    rng = random.Random(seed)
    rng.shuffle(pairs)
    copies: Counter[str] = Counter()
    kept: list[DraftPair] = []
    for pair in pairs:
        copies[pair.reply] += 1
        if copies[pair.reply] > STOCK_REPLY_CAP:
            dropped["stock reply over cap"] += 1
            continue
        kept.append(pair)
    return DrafterCorpus(kept, dropped)


def jddc_pairs_test(data: Path) -> list[EvalItem]:
    return [
        EvalItem(turns, (reply,), f"jddc_pairs-test-{i}") for i, (turns, reply) in enumerate(jddc_pairs(data, "test"))
    ]


def _sessions_of(text: str) -> Iterator[tuple[str, str]]:
    for match in re.finditer(r"<session ([^>]+)>\n(.*?)</session \1>", text, re.S):
        yield match.group(1), match.group(2)


def jddc2019_dev(data: Path) -> list[EvalItem]:
    """Each dev question with its three references; the agent turns before it are reference 1.

    The dev file gives the context turns (Q/A) and then questions Q1…Qn; the answers of the
    earlier questions are only known as references, so the first reference stands in for
    what the agent said.
    """
    folder = data / "dialogues" / "jddc2019"
    answers = {
        session: body.strip().splitlines()
        for session, body in _sessions_of(folder.joinpath("dev_answer.txt").read_text("utf-8"))
    }
    items: list[EvalItem] = []
    for session, body in _sessions_of(folder.joinpath("dev_question.txt").read_text("utf-8")):
        turns: list[Turn] = []
        context = re.search(r"<context>\n(.*?)</context>", body, re.S)
        for line in context.group(1).splitlines() if context else []:
            role, _, text = line.partition("\t")
            text = text.split("<sep>")[0].replace("!@@@!", "，").strip()
            if text and text != "NULL":
                turns.append(Turn("agent" if role.startswith("A") else "customer", text))
        questions = re.findall(r"<Q(\d+)>(.*?)</Q\1>", body, re.S)
        session_answers = answers.get(session, [])
        for index, (_number, question) in enumerate(questions):
            turns.append(Turn("customer", question.replace("!@@@!", "，")))
            if index >= len(session_answers):
                break
            references = tuple(r for r in session_answers[index].split("<sep>") if r.strip() and r.strip() != "NULL")
            if references:
                items.append(EvalItem(tuple(turns), references, session))
                turns.append(Turn("agent", references[0].replace("!@@@!", "，")))
    return items


def reply_texts(pairs: Iterable[DraftPair]) -> Iterator[str]:
    for pair in pairs:
        yield pair.context
        yield pair.reply


# -- the authored corpus in the v2 prompt (what the drafter is fine-tuned on) ----------------

_STOCK_HOLDING = re.compile(r"稍等|请问还有|还有其他|麻烦提供|提供一下订单|订单号|亲亲|在的|您好$|很高兴为您服务|客气")


def is_substantive(reply: str) -> bool:
    """A JDDC agent reply worth reading for fluency: long enough, not a stock holding line."""
    return len(reply) >= 16 and not _STOCK_HOLDING.search(reply)


def target_reply(reply: str) -> str:
    """The corpus reply as a training target: numbers kept, order/phone numbers as slot tokens."""
    from desktop_app.nlp.text import clean_keep_numbers

    return clean_keep_numbers(reply).replace("\n", "，")


def corpus_view(ticket: CorpusTicket) -> TicketView:
    from desktop_app.nlp.drafting.pipeline import TicketView

    return TicketView(
        turns=tuple(Turn(t.role, t.text) for t in ticket.turns),
        intent=ticket.intent,
        sentiment=ticket.sentiment,
        order_id=ticket.order_id or "",
        product=ticket.product or "",
        request_id=ticket.id,
    )


def training_request(ticket: CorpusTicket, retriever: Retriever, rng: random.Random) -> DraftRequest:
    """The app's own plan for ``ticket``, with the entries the reply was written from.

    The gold entries are always in the prompt (a reply must never be learned without the
    facts it states); when there is room, one of the three best retrieved other entries joins them
    as a distractor, in random order, so the model learns to write from the one that answers.
    """
    from dataclasses import replace as _replace

    from desktop_app.nlp.drafting.pipeline import plan_draft
    from desktop_app.nlp.drafting.prompt import V2_KB_ENTRIES

    plan = plan_draft(corpus_view(ticket), retriever)
    kb = retriever.kb
    gold = [e for e in (kb.get(i) for i in ticket.kb) if e is not None][:V2_KB_ENTRIES]
    others = [h.entry for h in plan.hits if h.entry.id not in ticket.kb][:3]
    room = max(0, V2_KB_ENTRIES - len(gold))
    entries = gold + rng.sample(others, min(room, len(others)))  # one of the closest three
    rng.shuffle(entries)
    return _replace(
        plan.request,
        kb_texts=tuple(e.text for e in entries),
        kb_ids=tuple(e.id for e in entries),
        kb_conditions=tuple(e.applies_when for e in entries),
        banned_phrases=tuple(dict.fromkeys(p for e in entries for p in e.never_promise)),
    )


REVIEW_LM_TEXTS = 15_000  # a sample of product reviews: customers' own words, more products


def drafter_lm_texts(
    data: Path | None, corpus_train: Sequence[CorpusTicket], kb_texts: Iterable[str], held_out: set[str]
) -> list[str]:
    """Plain text for the language-model stage; no dev/test text.

    The corpus train split's turns and replies and the KB; with the shared corpora also the
    substantive JDDC agent replies (no stock lines), the customers' turns of the same training
    dialogues (held-out and JDDC 2019 dev sessions are already dropped there) and a sample of
    product reviews outside the tagger's held-out reviews.
    """
    from desktop_app.nlp.text import clean_keep_numbers
    from desktop_app.training.common.corpora import load_reviews

    texts = [clean_keep_numbers(t.text) for ticket in corpus_train for t in ticket.turns]
    texts += [target_reply(ticket.reply) for ticket in corpus_train]
    texts += [clean_keep_numbers(text) for text in kb_texts]
    if data is not None:
        customer_turns: dict[str, None] = {}
        for pair in load_corpus(data, held_out).train:
            if is_substantive(pair.reply):
                texts.append(pair.reply)
            customer_turns.update((t.text, None) for t in pair.turns if t.role == "customer" and len(t.text) >= 6)
        texts += list(customer_turns)
        reviews = load_reviews(data)
        pool = [e.text for e in reviews.shopping_train + reviews.waimai] + reviews.eprstmt_unlabeled
        texts += random.Random(13).sample(pool, min(REVIEW_LM_TEXTS, len(pool)))
    return [t for t in texts if t]
