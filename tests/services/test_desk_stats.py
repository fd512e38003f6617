"""The supervisor desk's statistics over a seeded SQLite database."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import insert

from desktop_app.services.desk_stats import (
    DeskStatsService,
    HistogramBin,
    histogram,
    levenshtein,
    trigger_phrases,
)
from desktop_app.domain.records import MessageRecord
from desktop_app.store.schema import Feedback, ReplyOutcome, TicketTag

NOW = datetime(2024, 5, 3, 12, 0, 0)  # naive UTC


def _flag(set_columns, ticket_id: int, reasons: list[str], **values: object) -> None:
    set_columns(ticket_id, flagged=True, flag_reasons=list(reasons), **values)


@pytest.fixture
def stats(db) -> DeskStatsService:
    return DeskStatsService(db)


# -- flagged queue ----------------------------------------------------------------------
def test_flagged_tickets_open_only_most_severe_first(db, stats, make_ticket, add_tickets, set_columns):
    ids = add_tickets([make_ticket(n) for n in range(1, 7)])
    t = [ids[f"T-{n:05d}"] for n in range(1, 7)]
    _flag(
        set_columns,
        t[0],
        ["负面情绪 0.93", "投诉意图 0.81", "触发词：「投诉」「差评」"],
        intent="complaint",
        intent_score=0.81,
        sentiment="negative",
        sentiment_score=0.93,
        assignee="客服小美",
        waiting_since=NOW - timedelta(hours=2, minutes=15),
    )
    _flag(
        set_columns,
        t[1],
        ["负面情绪 0.70"],
        sentiment="negative",
        sentiment_score=0.7,
        waiting_since=NOW - timedelta(days=2),
    )
    _flag(set_columns, t[2], ["负面情绪 0.60"], status="waiting_customer", waiting_since=None)
    _flag(set_columns, t[3], ["负面情绪 0.99"], status="resolved", waiting_since=None)  # resolved: not shown
    set_columns(t[4], flagged=False, waiting_since=NOW - timedelta(days=9))  # not flagged: not shown
    _flag(set_columns, t[5], ["投诉意图（坐席标注）"], intent="complaint", waiting_since=NOW - timedelta(minutes=5))

    rows = stats.flagged_tickets(now=NOW)

    # 0.93 negative complaint waiting 2 h > 0.70 negative waiting 2 days > an agent's complaint > no scores
    assert [r.id for r in rows] == [t[0], t[1], t[5], t[2]]
    scores = [r.severity.score for r in rows]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[1]
    first = rows[0]
    assert first.external_id == "T-00001" and first.customer == "买家1"
    assert first.reasons == ("负面情绪 0.93", "投诉意图 0.81", "触发词：「投诉」「差评」")
    assert first.trigger_phrases == ("投诉", "差评")
    assert first.assignee == "客服小美"
    assert first.waited_seconds == 2 * 3600 + 15 * 60
    assert first.negative_score == pytest.approx(0.93)
    assert first.intent == "complaint" and first.intent_score == pytest.approx(0.81)
    assert (first.severity.negativity, first.severity.complaint) == (pytest.approx(0.93), pytest.approx(0.81))
    assert rows[2].severity.complaint == 1.0 and rows[2].severity.negativity == 0.0  # the agent's label
    assert rows[3].waited_seconds is None and rows[3].status == "waiting_customer"
    assert rows[3].severity.score == 0.0


def test_flagged_tickets_severity_reads_the_stored_distribution_and_escalation_words(
    db, stats, make_ticket, add_tickets, set_columns
):
    texts = {1: "快递一直没到", 2: "快递一直没到，再不处理我就打12315，还要去媒体曝光", 3: "快递一直没到"}
    ids = add_tickets([make_ticket(n, text=text) for n, text in texts.items()])
    scores = {
        "intent": {"logistics": 0.7, "complaint": 0.3},
        "sentiment": {"negative": 0.8, "neutral": 0.2},
        "flag": {"negative_threshold": 0.6, "intents": ["complaint"]},
    }
    for n in texts:
        _flag(
            set_columns,
            ids[f"T-{n:05d}"],
            ["负面情绪 0.80"],
            intent="logistics",
            intent_score=0.7,
            sentiment="negative",
            sentiment_score=0.8,
            tag_scores=scores,
            waiting_since=NOW - timedelta(hours=1),
        )
    set_columns(ids["T-00003"], waiting_since=NOW - timedelta(hours=3))  # same scores, waited longer

    rows = stats.flagged_tickets(now=NOW)

    assert [r.external_id for r in rows] == ["T-00002", "T-00003", "T-00001"]
    assert rows[0].severity.words == ("12315", "曝光", "媒体")
    assert rows[0].severity.complaint == pytest.approx(0.3)  # p(complaint), though the intent is logistics
    assert rows[2].severity.words == () and rows[2].severity.negativity == pytest.approx(0.8)
    assert [r.external_id for r in stats.flagged_tickets(now=NOW, limit=1)] == ["T-00002"]


def test_flagged_tickets_severity_follows_a_changed_ticket(db, stats, make_ticket, add_tickets, set_columns):
    ids = add_tickets([make_ticket(1, text="快递一直没到")])
    ticket = ids["T-00001"]
    _flag(set_columns, ticket, ["负面情绪 0.80"], sentiment="negative", sentiment_score=0.8, version=1)
    assert stats.flagged_tickets(now=NOW)[0].severity.words == ()
    # A new customer message: the text grows, the version moves, the tags are cleared.
    set_columns(ticket, text="快递一直没到\n再不到我就找律师", version=2, tagged_at=None)
    assert stats.flagged_tickets(now=NOW)[0].severity.words == ("律师",)
    set_columns(ticket, sentiment="neutral", sentiment_score=None, version=3)  # an agent: not negative
    assert stats.flagged_tickets(now=NOW)[0].severity.negativity == 0.0


def test_known_agents_are_holders_and_repliers(db, stats, make_ticket, add_tickets):
    add_tickets(
        [
            make_ticket(1, assignee="客服小美"),
            make_ticket(
                2,
                messages=(
                    MessageRecord("customer", "在吗", NOW),
                    MessageRecord("agent", "在的", NOW + timedelta(minutes=1), "客服阿杰"),
                ),
            ),
        ]
    )
    assert stats.known_agents() == sorted(["客服小美", "客服阿杰"])


def test_trigger_phrases_parse_the_trigger_reason():
    assert trigger_phrases(["负面情绪 0.9", "触发词：「退款」「12315」"]) == ("退款", "12315")
    assert trigger_phrases(["负面情绪 0.9"]) == ()


# -- charts --------------------------------------------------------------------------
def test_volume_by_intent_in_taxonomy_order_with_untagged_apart(stats, make_ticket, add_tickets, set_columns):
    ids = list(add_tickets([make_ticket(n) for n in range(1, 8)]).values())
    for ticket_id, intent in zip(ids, ["complaint", "logistics", "logistics", "invoice", "weird"], strict=False):
        set_columns(ticket_id, intent=intent)
    volume = stats.volume_by_intent()
    assert volume.counts == (("logistics", 2), ("invoice", 1), ("complaint", 1), ("weird", 1))
    assert volume.untagged == 2
    assert volume.total == 7


def test_negative_share_by_hour_and_day(stats, make_ticket, add_tickets, set_columns):
    start = datetime(2024, 5, 3, 9, 10)
    tickets = [
        make_ticket(1, created_at=start),
        make_ticket(2, created_at=start + timedelta(minutes=20)),
        make_ticket(3, created_at=start + timedelta(minutes=30)),
        make_ticket(4, created_at=start + timedelta(hours=2)),
        make_ticket(5, created_at=start - timedelta(days=1)),
    ]
    ids = add_tickets(tickets)
    set_columns(ids["T-00001"], sentiment="negative")
    set_columns(ids["T-00002"], sentiment="neutral")
    set_columns(ids["T-00004"], sentiment="negative")
    set_columns(ids["T-00005"], sentiment="positive")

    hours = stats.negative_share(
        "hour", since=datetime(2024, 5, 3, 8, 30), now=NOW, utc_offset=timedelta(0), trim_leading_empty=False
    )
    assert [b.start for b in hours] == [datetime(2024, 5, 3, h) for h in range(8, 13)]
    assert [(b.total, b.tagged, b.negative) for b in hours] == [(0, 0, 0), (3, 2, 1), (0, 0, 0), (1, 1, 1), (0, 0, 0)]
    assert hours[1].share == pytest.approx(0.5) and hours[0].share is None

    days = stats.negative_share("day", since=datetime(2024, 5, 1), now=NOW, utc_offset=timedelta(0))
    assert [(b.start.day, b.total, b.negative) for b in days] == [(2, 1, 0), (3, 4, 2)]  # from the first ticket on
    trimmed = stats.negative_share("hour", since=datetime(2024, 5, 3, 6), now=NOW, utc_offset=timedelta(0))
    assert [b.start.hour for b in trimmed] == [9, 10, 11, 12]


def test_negative_share_without_tickets_is_the_whole_window_of_zeros(stats):
    hours = stats.negative_share("hour", now=NOW, utc_offset=timedelta(0))
    assert len(hours) == 48 and all(b.total == 0 and b.share is None for b in hours)
    assert hours[-1].start == datetime(2024, 5, 3, 12)


def test_negative_share_days_follow_local_midnight(stats, make_ticket, add_tickets, set_columns):
    # 17:00 UTC on May 2 is 01:00 on May 3 in Beijing (UTC+8)
    ids = add_tickets([make_ticket(1, created_at=datetime(2024, 5, 2, 17, 0))])
    set_columns(ids["T-00001"], sentiment="negative")
    days = stats.negative_share("day", since=datetime(2024, 5, 2, 0, 0), now=NOW, utc_offset=timedelta(hours=8))
    by_start = {b.start: b.negative for b in days}
    assert by_start[datetime(2024, 5, 2, 16, 0)] == 1  # local May 3 00:00 as naive UTC


def test_negative_share_rejects_unknown_bucket(stats):
    with pytest.raises(ValueError):
        stats.negative_share("week")  # type: ignore[arg-type]


def test_flagged_waiting_by_age(stats, make_ticket, add_tickets, set_columns):
    waits = [timedelta(minutes=10), timedelta(minutes=59), timedelta(hours=1), timedelta(hours=5), timedelta(days=2)]
    waits += [timedelta(days=4)]
    ids = list(add_tickets([make_ticket(n) for n in range(1, 10)]).values())
    for ticket_id, wait in zip(ids, waits, strict=False):
        _flag(set_columns, ticket_id, ["负面情绪 0.9"], waiting_since=NOW - wait)
    _flag(set_columns, ids[6], ["负面情绪 0.9"], waiting_since=None)  # not waiting
    _flag(set_columns, ids[7], ["负面情绪 0.9"], status="resolved", waiting_since=NOW - timedelta(days=4))
    set_columns(ids[8], waiting_since=NOW - timedelta(days=4))  # not flagged
    buckets = stats.flagged_waiting_by_age(now=NOW)
    assert [(b.lower_seconds, b.upper_seconds, b.count) for b in buckets] == [
        (0, 3600, 2),
        (3600, 4 * 3600, 1),
        (4 * 3600, 86400, 1),
        (86400, 3 * 86400, 1),
        (3 * 86400, None, 1),
    ]


def test_agent_load_counts_and_median_handling_time(stats, make_ticket, add_tickets):
    def m(role: str, minutes: int, author: str = "") -> MessageRecord:
        return MessageRecord(role, "…", NOW + timedelta(minutes=minutes), author)

    add_tickets(
        [
            # 小美: 10 min, then 4 min after the second customer message
            make_ticket(
                1, messages=(m("customer", 0), m("agent", 10, "小美"), m("customer", 20), m("agent", 24, "小美"))
            ),
            # 小美: 30 min; 阿杰 follows 5 minutes later: 35 min since the same customer message
            make_ticket(2, messages=(m("customer", 0), m("agent", 30, "小美"), m("agent", 35, "阿杰"))),
            # 阿杰 writes first: a reply without a handling time
            make_ticket(3, messages=(m("agent", 0, "阿杰"),)),
        ]
    )
    loads = {load.agent: load for load in stats.agent_load()}
    assert loads["小美"].tickets == 2 and loads["小美"].replies == 3
    assert loads["小美"].median_handling_seconds == 600.0  # median of 10, 4, 30 minutes
    assert loads["阿杰"].tickets == 2 and loads["阿杰"].replies == 2
    assert loads["阿杰"].median_handling_seconds == 35 * 60.0
    assert [load.agent for load in stats.agent_load()] == ["小美", "阿杰"]
    since = stats.agent_load(since=NOW + timedelta(minutes=25))
    assert [(load.agent, load.replies) for load in since] == [("小美", 1), ("阿杰", 1)]


# -- model health ----------------------------------------------------------------------
def test_task_health_corrections_and_confusion_matrix(db, stats, make_ticket, add_tickets):
    ids = list(add_tickets([make_ticket(n) for n in range(1, 6)]).values())
    with db.session() as session:
        session.execute(
            insert(TicketTag),
            [
                {"ticket_id": i, "task": "intent", "label": label, "score": 0.9, "model": "m", "created_at": NOW}
                for i, label in zip(ids, ["logistics", "logistics", "logistics", "complaint", "invoice"], strict=True)
            ],
        )
        feedback = [
            ("intent", "logistics", "return_refund"),
            ("intent", "logistics", "return_refund"),
            ("intent", "complaint", "refund_compensation"),
            ("intent", None, "invoice"),
            ("sentiment", "neutral", "negative"),
        ]
        session.execute(
            insert(Feedback),
            [
                {
                    "ticket_id": ids[0],
                    "task": t,
                    "model_label": m,
                    "corrected_label": c,
                    "author": "a",
                    "created_at": NOW,
                }
                for t, m, c in feedback
            ],
        )

    health = stats.task_health("intent")
    assert health.total == 4
    assert health.row_labels[-1] is None and health.row_labels[0] == "logistics"
    assert "refund_compensation" in health.column_labels
    row = health.row_labels.index("logistics")
    assert health.matrix[row][health.column_labels.index("return_refund")] == 2
    assert health.matrix[health.row_labels.index(None)][health.column_labels.index("invoice")] == 1
    by_label = {c.label: c for c in health.corrections}
    assert (by_label["logistics"].tagged, by_label["logistics"].corrections) == (3, 2)
    assert by_label["logistics"].rate == pytest.approx(2 / 3)
    assert by_label["invoice"].corrections == 0 and by_label["invoice"].rate == 0
    assert by_label["exchange"].rate is None

    sentiment = stats.task_health("sentiment")
    assert sentiment.total == 1 and None not in sentiment.row_labels
    assert sentiment.row_labels == ("negative", "neutral", "positive")
    with pytest.raises(ValueError):
        stats.task_health("mood")


def test_draft_edits_distances_and_unchanged_share(db, stats, make_ticket, add_tickets):
    ticket_id = next(iter(add_tickets([make_ticket(1)]).values()))
    outcomes = [
        ("亲，已为您登记。", "亲，已为您登记。"),
        ("亲，已为您登记。", "亲，已为您登记。 \n"),  # whitespace only: unchanged
        ("亲，已为您登记。", "亲，已为您登记，请稍候。"),  # inserts ，请稍候 → 4
        (None, "自己写的"),  # no draft: not counted
        ("abc", ""),
    ]
    with db.session() as session:
        session.execute(
            insert(ReplyOutcome),
            [
                {
                    "ticket_id": ticket_id,
                    "author": "小美",
                    "generated": g,
                    "final": f,
                    "created_at": NOW + timedelta(minutes=i),
                }
                for i, (g, f) in enumerate(outcomes)
            ],
        )
    edits = stats.draft_edits()
    assert edits.count == 4
    assert edits.unchanged == 2 and edits.unchanged_share == pytest.approx(0.5)
    assert edits.distances == (3, 4, 0, 0)  # newest first
    assert [b.count for b in edits.bins][:3] == [2, 2, 0]
    assert edits.median_distance == 1.5
    assert stats.draft_edits(limit=1).distances == (3,)


def test_draft_edits_measure_each_pair_once(db, stats, make_ticket, add_tickets, monkeypatch):
    from desktop_app.services import desk_stats

    ticket_id = next(iter(add_tickets([make_ticket(1)]).values()))
    rows = [("亲，您好", "您好"), ("亲，您好", "您好"), ("已发货", "已经发货")]
    with db.session() as session:
        session.execute(
            insert(ReplyOutcome),
            [{"ticket_id": ticket_id, "author": "a", "generated": g, "final": f, "created_at": NOW} for g, f in rows],
        )
    measured = []

    def counting(a: str, b: str) -> int:
        measured.append((a, b))
        return levenshtein(a, b)

    monkeypatch.setattr(desk_stats, "levenshtein", counting)
    assert sorted(stats.draft_edits().distances) == [1, 2, 2]
    assert len(measured) == 2
    assert sorted(stats.draft_edits().distances) == [1, 2, 2]
    assert len(measured) == 2  # the second call measured nothing again


def test_draft_edits_empty(stats):
    edits = stats.draft_edits()
    assert edits.count == 0 and edits.unchanged_share is None and edits.median_distance is None


# -- edit distance ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("", "", 0),
        ("", "abc", 3),
        ("kitten", "sitting", 3),
        ("flaw", "lawn", 2),
        ("亲，您好", "亲，你好呀", 2),
        ("abc", "abc", 0),
    ],
)
def test_levenshtein_known_values(a, b, expected):
    assert levenshtein(a, b) == expected
    assert levenshtein(b, a) == expected


def _reference(a: str, b: str) -> int:
    table = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
    return table[-1][-1]


@given(st.text(alphabet="ab亲好。", max_size=12), st.text(alphabet="ab亲好。", max_size=12))
def test_levenshtein_matches_the_full_table(a, b):
    assert levenshtein(a, b) == _reference(a, b)


def test_histogram_bins():
    bins = histogram([0, 0, 1, 5, 6, 300], [(0, 1), (1, 6), (6, None)])
    assert bins == (HistogramBin(0, 1, 2), HistogramBin(1, 6, 2), HistogramBin(6, None, 2))
