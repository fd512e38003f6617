"""``aftersales corpus stats|check``: the authored corpus' coverage table and line checks.

The command owns its arguments (``add_parser``) and its handler (``run``); it reads the
corpus through the training package's loader, which needs no torch.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

EXIT_OK, EXIT_PROBLEMS = 0, 1


def add_parser(sub: argparse._SubParsersAction) -> None:
    corpus = sub.add_parser("corpus", help="the authored training corpus: coverage table and line checks")
    corpus_sub = corpus.add_subparsers(dest="corpus_action", metavar="ACTION", required=True)
    for name, help_text in (
        ("stats", "coverage table (intent × sentiment, styles, turns, lengths, KB use, duplicates); "
         "exits 1 when a minimum is missed"),
        ("check", "validate every line (fields, taxonomy labels, evidence spans, reply length, KB ids); "
         "exits 1 naming each bad line"),
    ):
        action = corpus_sub.add_parser(name, help=help_text)
        action.add_argument("--corpus", type=Path, default=None, metavar="DIR", help="default: resources/corpus")
        action.add_argument("--kb", type=Path, default=None, metavar="DIR", help="default: resources/kb")
        action.add_argument("--json", action="store_true", help="one JSON object instead of text")
    sample = corpus_sub.add_parser("sample", help="a blind random sample (no labels) for a second annotator")
    sample.add_argument("--share", type=float, default=0.1)
    sample.add_argument("--seed", type=int, default=7)
    sample.add_argument("--out", type=Path, required=True)
    sample.add_argument("--corpus", type=Path, default=None, metavar="DIR")
    sample.add_argument("--kb", type=Path, default=None, metavar="DIR")
    review = corpus_sub.add_parser("review", help="agreement (κ) of the second annotator and their reply verdicts")
    review.add_argument("review", type=Path, help='JSON lines {"id", "intent", "sentiment", "reply_verdict", "reason"}')
    review.add_argument("--corpus", type=Path, default=None, metavar="DIR")
    review.add_argument("--kb", type=Path, default=None, metavar="DIR")
    review.add_argument("--json", action="store_true")


def _kb_ids(folder: Path | None) -> set[str]:
    from desktop_app.config import default_kb_dir
    from desktop_app.nlp.drafting.knowledge_base import load_entries

    return {entry.id for entry in load_entries(folder or default_kb_dir())}


def run(args: argparse.Namespace) -> int:
    from desktop_app.training.common.corpus import CORPUS_DIR, check_corpus, corpus_stats, format_stats

    folder = args.corpus or CORPUS_DIR
    kb_ids = _kb_ids(args.kb)
    result = check_corpus(folder, kb_ids)
    if args.corpus_action in ("sample", "review"):
        return _second_pass(args, result.tickets)
    if args.corpus_action == "check":
        if args.json:
            payload = {"tickets": len(result.tickets), "problems": [str(p) for p in result.problems]}
            print(json.dumps(payload, ensure_ascii=False))
        else:
            for problem in result.problems:
                print(problem)
            print(f"{len(result.tickets)} good tickets, {len(result.problems)} problem(s)", file=sys.stderr)
        return EXIT_PROBLEMS if result.problems else EXIT_OK
    stats = corpus_stats(result.tickets, kb_ids)
    failures = list(stats.failures) + [f"{len(result.problems)} bad line(s): run `aftersales corpus check`"] * bool(
        result.problems
    )
    if args.json:
        payload = {
            "tickets": stats.tickets,
            "cells": {f"{i}/{s}": n for (i, s), n in sorted(stats.cells.items())},
            "styles": stats.styles,
            "splits": stats.splits,
            "split_by_intent": stats.split_by_intent,
            "multi_turn": stats.multi_turn,
            "median_customer_chars": stats.median_customer_chars,
            "median_reply_chars": stats.median_reply_chars,
            "kb_referenced": stats.kb_referenced,
            "kb_unreferenced": stats.kb_unreferenced,
            "duplicates": stats.duplicates,
            "failures": failures,
        }
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(format_stats(stats))
        if result.problems:
            print(failures[-1])
    return EXIT_PROBLEMS if failures else EXIT_OK


def _second_pass(args: argparse.Namespace, tickets: list) -> int:
    from desktop_app.config import default_kb_dir
    from desktop_app.nlp.drafting.knowledge_base import KnowledgeBase
    from desktop_app.training.common.corpus_review import blind_sample, review_summary

    if args.corpus_action == "sample":
        rows = blind_sample(tickets, KnowledgeBase.load(args.kb or default_kb_dir()), args.share, args.seed)
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
        print(f"wrote {len(rows)} tickets (labels left out) to {args.out}", file=sys.stderr)
        return EXIT_OK
    summary = review_summary(tickets, args.review)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(
            f"{summary['reviewed']} tickets re-labelled: intent agreement {summary['intent_agreement']} "
            f"(κ {summary['intent_kappa']}), sentiment {summary['sentiment_agreement']} "
            f"(κ {summary['sentiment_kappa']}); replies {summary['reply_verdicts']} "
            f"(send {summary['reply_send_share']}, send+light {summary['reply_send_or_light_share']})"
        )
    return EXIT_OK
