"""The training side of the CLI: ``train tagger``, ``eval tagger``, ``bench tagger``."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from desktop_app.config import default_tagger_dir
from desktop_app.training.common.corpora import DataMissingError, load_reviews, load_tickets, resolve_data_dir
from desktop_app.training.tagger.model import TOY_SIZE
from desktop_app.training.tagger.train import FinetuneSettings
from desktop_app.training.tagger.pipeline import TaggerRecipe, train_tagger
from desktop_app.training.tagger.pretrain import PretrainSettings

log = logging.getLogger(__name__)
T = TypeVar("T")


class TrainingInputError(ValueError):
    pass


def _read_feedback(read: Callable[[Path], list[T]], path: Path) -> list[T]:
    """``--feedback FILE`` read by ``read``; a missing or malformed file is the user's error."""
    from desktop_app.training.common.feedback import FeedbackFileError

    try:
        return read(path)
    except FeedbackFileError as exc:
        raise TrainingInputError(f"--feedback: {exc}") from exc
    except OSError as exc:
        raise TrainingInputError(f"--feedback: cannot read {path}: {exc.strerror}") from exc


def _data(args: argparse.Namespace) -> Path:
    try:
        return resolve_data_dir(args.data)
    except DataMissingError as exc:
        raise TrainingInputError(str(exc)) from exc


def run_train_tagger(args: argparse.Namespace) -> int:
    logging.getLogger("desktop_app").setLevel(logging.INFO)
    args.out = args.out or default_tagger_dir()
    data = _data(args)
    recipe = TaggerRecipe()
    settings = FinetuneSettings()
    if args.toy:  # a minutes-long smoke run of the whole pipeline (tests, CI)
        recipe = TaggerRecipe(
            size=TOY_SIZE, vocab_size=2000, pretrain=PretrainSettings(steps=5, batch_tokens=1024), seeds=(13,)
        )
        settings = FinetuneSettings(epochs=1, reviews_per_epoch=300, ticket_repeats=1, batch_tokens=1024)
    if args.pretrain_steps is not None:
        recipe.pretrain = replace(recipe.pretrain, steps=args.pretrain_steps)
    recipe.threads = getattr(args, "threads", 2) or 2
    if getattr(args, "seeds", None):
        recipe.seeds = tuple(args.seeds)
    if getattr(args, "pretrain_epochs", None) is not None:
        recipe.pretrain = replace(recipe.pretrain, epochs=args.pretrain_epochs)
    if args.epochs is not None:
        settings = replace(settings, epochs=args.epochs)
    if getattr(args, "pretrain_only", False):
        from desktop_app.training.tagger.pipeline import stage_pretrain

        _tokenizer, encoder = stage_pretrain(data, args.work, recipe, reuse=True)
        print(json.dumps({"pretrained": str(encoder)}))
        return 0
    feedback = []
    if args.feedback:
        from desktop_app.training.common.feedback import feedback_examples

        feedback = _read_feedback(feedback_examples, args.feedback)  # the audited, masked export-training file
        print(f"folding in {len(feedback)} corrected tickets from {args.feedback}", file=sys.stderr)
    result = train_tagger(
        data,
        args.out,
        args.work,
        recipe,
        settings,
        reuse_pretrained=args.reuse_pretrained,
        feedback=feedback,
        report_dir=args.report_dir,
        corpus_dir=getattr(args, "corpus", None),
    )
    from desktop_app.nlp.manifest import Manifest

    summary = Manifest.load(result.folder).get("metrics")
    print(
        json.dumps(
            {"model": str(result.folder), "report": [str(p) for p in result.report_files], "metrics": summary},
            ensure_ascii=False,
            indent=2,
        )
    )
    return 0


def run_eval_tagger(args: argparse.Namespace) -> int:
    args.model = args.model or default_tagger_dir()
    from desktop_app.nlp.manifest import Manifest
    from desktop_app.nlp.model_folder import ModelFolderError
    from desktop_app.training.common.corpora import load_handwritten
    from desktop_app.training.common.corpus import CORPUS_DIR, load_corpus
    from desktop_app.training.tagger.evaluate import choose_threshold, eval_sets, evaluate, write_report
    from desktop_app.training.tagger.lexical import fit_lexical_head, lexical_predictor
    from desktop_app.training.tagger.model_card import onnx_predictor
    from desktop_app.training.tagger.pipeline import corpus_examples
    from desktop_app.training.tagger.train import INTENT_LABELS, SENTIMENT_LABELS

    data = _data(args)
    tickets, reviews = load_tickets(data), load_reviews(data)
    corpus = load_corpus(getattr(args, "corpus", None) or CORPUS_DIR)
    sets = eval_sets(tickets, reviews, corpus)
    try:
        predictor = onnx_predictor(args.model)
    except ModelFolderError as exc:
        raise TrainingInputError(str(exc)) from exc
    manifest = Manifest.load(args.model)
    threshold = float(manifest.section("flag")["negative_threshold"])
    report: dict = {"model_name": manifest.label, "data": str(data)}
    report["model"] = evaluate(predictor, sets, threshold)
    labelled = [t.example() for t in tickets if t.split == "train"] + load_handwritten() + corpus_examples(corpus, "train")
    review_train = reviews.shopping_train + reviews.waimai + reviews.eprstmt_train
    baseline = lexical_predictor(fit_lexical_head(labelled, review_train, INTENT_LABELS, SENTIMENT_LABELS))
    report["baseline"] = evaluate(baseline, sets, choose_threshold(baseline, sets.dev).threshold)
    json_path, md_path = write_report(report, args.report_dir)
    print(md_path.read_text("utf-8"))
    print(f"report: {json_path} {md_path}", file=sys.stderr)
    return 0


def run_bench_tagger(args: argparse.Namespace) -> int:
    args.model = args.model or default_tagger_dir()
    from desktop_app.nlp.model_folder import ModelFolderError
    from desktop_app.training.tagger.bench import run_tagger_bench

    try:
        texts = [t.text for t in load_tickets(resolve_data_dir(args.data)) if t.split == "test"]
    except DataMissingError:
        from desktop_app.services.seed import load_demo_tickets

        texts = [t.text for t in load_demo_tickets()]
        print("corpora not found: benchmarking on the demo tickets", file=sys.stderr)
    try:
        lines = run_tagger_bench(args.model, texts, args.torch_weights, threads=args.threads, rounds=args.rounds)
    except ModelFolderError as exc:
        raise TrainingInputError(str(exc)) from exc
    if args.json:
        print(json.dumps([line.__dict__ for line in lines], ensure_ascii=False))
        return 0
    print(f"tagger {args.model}, {len(texts)} ticket texts, max 128 tokens")
    print(f"  {'engine':<34} {'batch':>5} {'p50 ms':>8} {'p95 ms':>8} {'tickets/s':>10}")
    for line in lines:
        print(f"  {line.engine:<34} {line.batch:>5} {line.p50_ms:8.2f} {line.p95_ms:8.2f} {line.tickets_per_s:10.1f}")
    by = {(line.engine.split(",")[0], line.batch): line for line in lines}
    for batch in (1, 32):
        onnx, eager = by.get(("onnxruntime int8", batch)), by.get(("torch eager fp32", batch))
        if onnx and eager:
            print(
                f"  batch {batch}: onnxruntime int8 is {eager.p50_ms / onnx.p50_ms:.1f}x faster than torch eager (p50)"
            )
    if not any(line.engine.startswith("torch") for line in lines):
        print("  (torch eager not measured: pass --torch-weights build/tagger-work/tagger.pt)")
    return 0


def _optional_data(args: argparse.Namespace) -> Path | None:
    """The shared corpora when present: the drafter trains and is evaluated on the authored
    corpus alone without them (the JDDC LM text and the JDDC dev figure are then left out)."""
    try:
        return resolve_data_dir(args.data)
    except DataMissingError:
        if args.data is not None:
            raise
        print("shared corpora not found: authored corpus only (no JDDC text, no JDDC dev BLEU)", file=sys.stderr)
        return None


def run_train_drafter(args: argparse.Namespace) -> int:
    """Ranker, decoder (LM stage, then the corpus), builder export, evaluation, model card."""
    from desktop_app.config import default_drafter_dir
    from desktop_app.training.drafter.model import TOY_DECODER
    from desktop_app.training.drafter.pipeline import DrafterRecipe, export_and_evaluate, train_drafter_model
    from desktop_app.training.drafter.train import DrafterTrainSettings

    logging.getLogger("desktop_app").setLevel(logging.INFO)
    out = args.out or default_drafter_dir()
    data = _optional_data(args) if not args.toy else _data(args)
    recipe = DrafterRecipe()
    if args.toy:
        recipe = DrafterRecipe(
            size=TOY_DECODER,
            pretrain=DrafterTrainSettings(epochs=0.2, batch_tokens=1024, max_length=64, context_weight=1.0),
            train=DrafterTrainSettings(epochs=1.0, batch_tokens=2048, max_length=256, evaluate_every=5),
            prompt_variants=1,
        )
    if args.epochs is not None:
        recipe.train = replace(recipe.train, epochs=args.epochs)
    extra = []
    if args.feedback:
        from desktop_app.training.common.feedback import reply_feedback_pairs

        extra = _read_feedback(reply_feedback_pairs, args.feedback)  # the audited, masked export-training file
        print(f"adding {len(extra)} sent replies from {args.feedback}", file=sys.stderr)
    tagger = args.tagger or default_tagger_dir()
    import torch

    torch.set_num_threads(getattr(args, "threads", 2) or 2)
    if args.reuse_model and (args.work / "hf" / "config.json").is_file():
        print(f"reusing the trained model in {args.work / 'hf'}", file=sys.stderr)
    else:
        pretrain_only = getattr(args, "pretrain_only", False)
        train_drafter_model(data, args.work, recipe, tagger, extra, corpus_dir=args.corpus, pretrain_only=pretrain_only)
        if pretrain_only:
            print(f"language-model stage done: {args.work / 'pretrained-hf'}", file=sys.stderr)
            return 0
    result = export_and_evaluate(
        data, args.work, out, tagger, args.precision, args.report_dir, limit=5 if args.toy else None,
        corpus_dir=args.corpus,
    )
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def run_eval_drafter(args: argparse.Namespace) -> int:
    from desktop_app.config import default_drafter_dir, default_ranker_dir
    from desktop_app.nlp.model_folder import ModelFolderError
    from desktop_app.training.drafter.pipeline import evaluate_folder, write_drafter_report

    data = _optional_data(args)
    try:
        report, records = evaluate_folder(
            data,
            args.model or default_drafter_dir(),
            args.retriever or default_ranker_dir(),
            args.tagger or default_tagger_dir(),
            corpus_dir=args.corpus,
            limit=args.limit,
            verdicts=args.verdicts,
        )
    except ModelFolderError as exc:
        raise TrainingInputError(str(exc)) from exc
    json_path, md_path = write_drafter_report(report, args.report_dir, records)
    print(md_path.read_text("utf-8").split("## Sample drafts")[0])
    print(f"report: {json_path} {md_path}", file=sys.stderr)
    return 0


def run_bench_drafter(args: argparse.Namespace) -> int:
    from desktop_app.config import default_drafter_dir
    from desktop_app.nlp.drafting.prompt import DraftRequest, Turn
    from desktop_app.nlp.model_folder import ModelFolderError
    from desktop_app.training.drafter.bench import run_drafter_bench, run_whole_reply_bench
    from desktop_app.training.drafter.data import jddc2019_dev

    model = args.model or default_drafter_dir()
    try:
        items = jddc2019_dev(resolve_data_dir(args.data))
        requests = [DraftRequest(text="", history=i.turns) for i in items[: args.prompts]]
    except DataMissingError:
        from desktop_app.services.seed import load_demo_tickets

        tickets = load_demo_tickets()[: args.prompts]
        requests = [DraftRequest(text="", history=(Turn("customer", t.text),)) for t in tickets]
        print("corpora not found: benchmarking on the demo tickets", file=sys.stderr)
    try:
        lines = run_drafter_bench(model, args.torch_model, requests, args.threads, args.new_tokens)
        whole = run_whole_reply_bench(model, _corpus_plans(args.prompts), args.threads)
    except ModelFolderError as exc:
        raise TrainingInputError(str(exc)) from exc
    if args.json:
        payload = {"engines": [line.__dict__ for line in lines], "whole_replies": [line.__dict__ for line in whole]}
        print(json.dumps(payload, ensure_ascii=False))
        return 0
    print(
        f"drafter {model}: {len(requests)} prompts, {args.new_tokens} new tokens each, {args.threads} threads, batch 1"
    )
    print(f"  {'engine':<34} {'first token p50':>16} {'p95':>8} {'tokens/s p50':>13} {'prompt tokens':>14}")
    for line in lines:
        print(
            f"  {line.engine:<34} {line.first_token_ms_p50:13.1f} ms {line.first_token_ms_p95:8.1f} "
            f"{line.tokens_per_s_p50:13.1f} {line.prompt_tokens_mean:14.1f}"
        )
    if len(lines) == 2:
        print(f"  decode speed: onnxruntime-genai is {lines[0].ratio_to(lines[1]):.1f}x torch eager (median tokens/s)")
    else:
        print(f"  (torch eager not measured: no transformers folder at {args.torch_model})")
    print(f"whole replies as the app drafts them ({whole[0].rounds} corpus test tickets, natural length):")
    for reply in whole:
        print(f"  {reply.setting:<34} {reply.ms_p50:8.1f} ms p50 {reply.ms_p95:8.1f} ms p95 {reply.chars_mean:6.1f} characters")
    if len(whole) == 2:
        print(f"  the best-of-N reply takes {whole[0].ms_p50 / max(whole[1].ms_p50, 1e-9):.1f}x one greedy draft (p50)")
    return 0


def _corpus_plans(count: int) -> list:
    """The app's plans for the first corpus test tickets (masked turns, retrieved entries)."""
    from desktop_app.config import default_ranker_dir
    from desktop_app.nlp.drafting.knowledge_base import KnowledgeBase
    from desktop_app.nlp.drafting.pipeline import plan_draft
    from desktop_app.nlp.drafting.retrieval import Retriever, load_ranker
    from desktop_app.training.common.corpus import CORPUS_DIR, load_corpus
    from desktop_app.training.drafter.data import corpus_view
    from desktop_app.training.drafter.pipeline import KB_DIR

    retriever = Retriever(KnowledgeBase.load(KB_DIR), load_ranker(default_ranker_dir()))
    test = [t for t in load_corpus(CORPUS_DIR) if t.split == "test"][: max(count, 1)]
    return [plan_draft(corpus_view(t), retriever) for t in test]
