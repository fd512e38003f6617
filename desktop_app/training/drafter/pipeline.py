"""``aftersales train drafter``: corpus → tokenizer → decoder → onnxruntime-genai model folder.

Each training context is tagged by the shipped ticket tagger and matched against the
knowledge base exactly as a live ticket is, so the prompt the model learns from is the
prompt it will be given.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from tokenizers import Tokenizer

from desktop_app.config import RESOURCES_DIR
from desktop_app.nlp.drafting.prompt import EOS, PAD, default_prompt
from desktop_app.nlp.drafting.knowledge_base import KnowledgeBase
from desktop_app.training.common.corpora import load_tickets
from desktop_app.training.drafter.data import DrafterCorpus, DraftPair, load_corpus, reply_texts
from desktop_app.training.drafter.model import DecoderSize, build_decoder, build_tokenizer, save_hf_folder
from desktop_app.training.drafter.train import DrafterTrainSettings, Sequence_, encode_example, train_decoder

log = logging.getLogger(__name__)

KB_DIR = RESOURCES_DIR / "kb"


@dataclass
class DrafterRecipe:
    size: DecoderSize = field(default_factory=DecoderSize)
    train: DrafterTrainSettings = field(default_factory=DrafterTrainSettings)
    kb_entries: int = 1


@dataclass(frozen=True)
class Conditioning:
    intent: str | None
    sentiment: str | None
    kb_ids: tuple[str, ...]
    kb_texts: tuple[str, ...]


@functools.lru_cache(maxsize=2)
def _tagger(folder: Path):  # type: ignore[no-untyped-def]
    """One tagger per folder for all the contexts an evaluation conditions (it is loaded once)."""
    from desktop_app.nlp.tagging.tagger import TicketTagger

    return TicketTagger.load(folder)


def condition_pairs(
    pairs: Sequence[DraftPair], kb: KnowledgeBase, tagger_dir: Path | None, kb_entries: int
) -> list[Conditioning]:
    """Tags from the shipped tagger (when there is one) and knowledge-base hits for every context."""
    tags: list[tuple[str | None, str | None]] = [(None, None)] * len(pairs)
    if tagger_dir is not None and (tagger_dir / "manifest.json").is_file():
        results = _tagger(tagger_dir).tag([p.customer_text[-256:] or p.context for p in pairs], explain=False)
        tags = [(r.intent, r.sentiment) for r in results]
    conditions = []
    for pair, (intent, sentiment) in zip(pairs, tags, strict=True):
        hits = kb.search(pair.customer_text[-200:], limit=kb_entries, intent=intent)
        conditions.append(
            Conditioning(intent, sentiment, tuple(h.entry.id for h in hits), tuple(h.entry.text for h in hits))
        )
    return conditions


def encode_pairs(
    tokenizer: Tokenizer, pairs: Sequence[DraftPair], conditions: Sequence[Conditioning], settings: DrafterTrainSettings
) -> list[Sequence_]:
    sequences = []
    for pair, cond in zip(pairs, conditions, strict=True):
        prompt = default_prompt(pair.context, cond.intent, cond.sentiment, cond.kb_texts)
        sequences.append(
            encode_example(tokenizer, prompt, pair.reply, EOS, settings.max_length, settings.context_weight)
        )
    return sequences


def prepare(
    data: Path, work: Path, recipe: DrafterRecipe, tagger_dir: Path | None, extra_pairs: Sequence[DraftPair] = ()
) -> tuple[DrafterCorpus, Tokenizer, list[Sequence_], list[Conditioning]]:
    tickets = load_tickets(data)
    held_out = {t.session for t in tickets if t.split != "train"}
    corpus = load_corpus(data, held_out)
    corpus.train.extend(extra_pairs)
    log.info("drafter corpus: %d pairs (dropped %s)", len(corpus.train), dict(corpus.dropped))
    kb = KnowledgeBase.load(KB_DIR)
    started = time.perf_counter()
    conditions = condition_pairs(corpus.train, kb, tagger_dir, recipe.kb_entries)
    log.info("tagged and matched %d contexts in %.0f s", len(conditions), time.perf_counter() - started)
    kb_text = [e.text for e in kb.entries]
    tokenizer = build_tokenizer([*reply_texts(corpus.train), *kb_text], recipe.size.vocab_size)
    work.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(work / "tokenizer.json"))
    sequences = encode_pairs(tokenizer, corpus.train, conditions, recipe.train)
    return corpus, tokenizer, sequences, conditions


def train_drafter_model(
    data: Path, work: Path, recipe: DrafterRecipe, tagger_dir: Path | None, extra_pairs: Sequence[DraftPair] = ()
) -> dict[str, object]:
    """Train and save a transformers folder in ``work/hf``; returns the training summary."""
    corpus, tokenizer, sequences, _conditions = prepare(data, work, recipe, tagger_dir, extra_pairs)
    model = build_decoder(recipe.size, tokenizer)
    parameters = sum(p.numel() for p in model.parameters())
    log.info("decoder %s: %.1f M parameters, %d sequences", recipe.size, parameters / 1e6, len(sequences))

    def progress(step: int, total: int, loss: float) -> None:
        log.info("drafter step %d/%d loss %.3f", step, total, loss)

    stats = train_decoder(model, sequences, tokenizer.token_to_id(PAD), recipe.train, progress)
    save_hf_folder(model, tokenizer, work / "hf", recipe.size)
    summary = {
        "pairs": len(corpus.train),
        "dropped": dict(corpus.dropped),
        "sources": {s: sum(1 for p in corpus.train if p.source == s) for s in sorted({p.source for p in corpus.train})},
        "parameters": parameters,
        "size": asdict(recipe.size),
        "settings": asdict(recipe.train),
        "training": stats,
        "torch_threads": torch.get_num_threads(),
    }
    (work / "training_summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), "utf-8")
    return summary


def write_drafter_report(report: dict, report_dir: Path) -> tuple[Path, Path]:
    from desktop_app.training.drafter.evaluate import markdown_report

    report_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = report_dir / "drafter_eval.json", report_dir / "drafter_eval.md"
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")
    md_path.write_text(markdown_report(report), "utf-8")
    return json_path, md_path


def _metrics_summary(report: dict) -> dict:
    summary: dict = {}
    for name, section in report["sets"].items():
        scores = section["scores"]
        summary[name] = {
            "drafter": scores["drafter"],
            "tfidf_retrieval_bleu4": scores["tfidf_retrieval"]["bleu4"],
            "most_frequent_reply_bleu4": scores["most_frequent_reply"]["bleu4"],
            "relative_bleu_over_best_baseline": scores["relative_bleu_over_best_baseline"],
        }
    summary["safety"] = report["safety"]
    return summary


def _speed(out: Path, hf: Path, data: Path, limit: int | None) -> dict:
    """``bench drafter`` figures for the card: the exported model against torch eager, one run."""
    from desktop_app.nlp.drafting.prompt import DraftRequest
    from desktop_app.training.drafter.bench import run_drafter_bench
    from desktop_app.training.drafter.data import jddc2019_dev

    requests = [DraftRequest(text="", history=i.turns) for i in jddc2019_dev(data)[: limit or 30]]
    lines = run_drafter_bench(out, hf, requests, threads=2, new_tokens=48 if limit is None else 6)
    speed = {
        "setting": f"{len(requests)} jddc2019 dev prompts, batch 1, 2 threads, greedy, fixed new tokens",
        "engines": [{k: round(v, 1) if isinstance(v, float) else v for k, v in vars(line).items()} for line in lines],
    }
    if len(lines) == 2:
        speed["onnx_vs_torch_tokens_per_s"] = round(lines[0].ratio_to(lines[1]), 1)
    return speed


def export_and_evaluate(
    data: Path,
    work: Path,
    out: Path,
    tagger_dir: Path | None,
    precision: str,
    report_dir: Path,
    limit: int | None = None,
) -> dict:
    """Builder export of ``work/hf`` into ``out``, evaluation through ReplyDrafter, manifest and card."""
    from desktop_app.nlp.drafting.drafter import ReplyDrafter
    from desktop_app.training.drafter.evaluate import evaluate_drafter
    from desktop_app.training.drafter.export import finalise, run_builder, set_default_threads

    hf = work / "hf"
    summary_path = work / "training_summary.json"
    training = json.loads(summary_path.read_text("utf-8")) if summary_path.is_file() else {}
    size = json.loads((hf / "decoder_size.json").read_text("utf-8"))
    run_builder(hf, out, precision=precision, cache=work / "builder-cache")
    set_default_threads(out)
    fields = {
        "name": "aftersales-drafter",
        "architecture": {"type": "qwen2", **size},
        "precision": precision,
        "training": {
            "pairs": training.get("pairs"),
            "sources": training.get("sources"),
            "dropped": training.get("dropped"),
            "held_out": "jddc_pairs test, jddc2019 dev sessions, sessions of the tickets dev/test splits",
            "recipe": training.get("settings"),
            "result": training.get("training"),
        },
    }
    finalise(out, fields)
    drafter = ReplyDrafter.load(out)
    report = evaluate_drafter(data, drafter, tagger_dir, limit=limit)
    json_path, md_path = write_drafter_report(report, report_dir)
    metrics = {**_metrics_summary(report), "speed": _speed(out, hf, data, limit)}
    manifest = finalise(out, {**fields, "metrics": metrics})
    return {"model": str(out), "report": [str(json_path), str(md_path)], "metrics": manifest["metrics"]}
