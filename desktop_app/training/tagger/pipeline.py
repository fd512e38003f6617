"""`aftersales train tagger`: corpora → tokenizer → MLM pretraining → fine-tuning →
threshold → evaluation → ONNX export with int8 quantisation → model folder.

Intermediate results live in a work folder so that a later stage can be re-run alone
(``--reuse-pretrained``); the same command with the same data reproduces the model.
"""

from __future__ import annotations

import json
import logging
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from tokenizers import Tokenizer
from transformers import BertForMaskedLM

from desktop_app.training.common.corpora import load_reviews, load_tickets, pretraining_texts
from desktop_app.training.tagger.model import EncoderSize
from desktop_app.training.tagger.train import FinetuneSettings
from desktop_app.training.tagger.pretrain import PretrainSettings, pack, pretrain, total_steps
from desktop_app.training.common.tokenizer import build_tokenizer, save_tokenizer

log = logging.getLogger(__name__)


@dataclass
class TaggerRecipe:
    size: EncoderSize = field(default_factory=EncoderSize)
    vocab_size: int = 8000
    pretrain: PretrainSettings = field(default_factory=PretrainSettings)
    threads: int = 2
    seed: int = 13
    # Characters of unlabelled text the encoder pretrains on: a fixed, seeded sample sized so
    # that 10 epochs fit the time budget (about 50 minutes at 5,300 tokens/s on two cores).
    pretrain_chars: int | None = 1_650_000


def stage_pretrain(data: Path, work: Path, recipe: TaggerRecipe, reuse: bool = False) -> tuple[Tokenizer, Path]:
    """Tokenizer and MLM-pretrained encoder, saved under ``work``."""
    tokenizer_path, encoder_dir = work / "tokenizer.json", work / "pretrained"
    if reuse and tokenizer_path.is_file() and (encoder_dir / "config.json").is_file():
        log.info("reusing %s", encoder_dir)
        return Tokenizer.from_file(str(tokenizer_path)), encoder_dir
    torch.set_num_threads(recipe.threads)
    tickets = load_tickets(data)
    reviews = load_reviews(data)
    texts = pretraining_texts(data, tickets, reviews)
    random.Random(recipe.seed).shuffle(texts)
    if recipe.pretrain_chars is not None:
        texts = _first_chars(texts, recipe.pretrain_chars)
    work.mkdir(parents=True, exist_ok=True)
    if tokenizer_path.is_file() and (work / "pretrain_checkpoint.pt").is_file():
        tokenizer = Tokenizer.from_file(str(tokenizer_path))  # resuming: the vocabulary must not change
    else:
        tokenizer = build_tokenizer(texts, vocab_size=recipe.vocab_size)
        save_tokenizer(tokenizer, tokenizer_path)
    packed = pack(tokenizer, texts, recipe.size.max_length)
    model: BertForMaskedLM = pretrain(
        tokenizer, texts, recipe.size, recipe.pretrain, checkpoint=work / "pretrain_checkpoint.pt", packed=packed
    )
    model.save_pretrained(encoder_dir)
    per_batch = max(1, recipe.pretrain.batch_tokens // recipe.size.max_length)
    steps = total_steps(recipe.pretrain, len(packed), recipe.size.max_length)
    (work / "pretrain.json").write_text(
        json.dumps(
            {
                "texts": len(texts),
                "characters": sum(map(len, texts)),
                "tokens": packed.tokens,
                "size": recipe.size.as_dict(),
                "steps": steps,
                "epochs": round(steps * per_batch / max(1, len(packed)), 2),
                "settings": asdict(recipe.pretrain),
            }
        ),
        "utf-8",
    )
    return tokenizer, encoder_dir


def _first_chars(texts: list[str], budget: int) -> list[str]:
    taken, total = [], 0
    for text in texts:
        if total >= budget:
            break
        taken.append(text)
        total += len(text)
    return taken


@dataclass
class TrainResult:
    folder: Path
    report: dict
    report_files: tuple[Path, Path]


def torch_predictor(model, tokenizer: Tokenizer, max_length: int):  # type: ignore[no-untyped-def]
    from desktop_app.training.tagger.train import predict

    def run(texts):  # type: ignore[no-untyped-def]
        intents, sentiments = predict(model, tokenizer, texts, max_length)
        return intents.numpy(), sentiments.numpy()

    return run


def train_tagger(
    data: Path,
    out: Path,
    work: Path,
    recipe: TaggerRecipe,
    finetune_settings: FinetuneSettings,
    reuse_pretrained: bool = False,
    feedback: list | None = None,
    report_dir: Path | None = None,
) -> TrainResult:
    from desktop_app.training.common.corpora import load_handwritten
    from desktop_app.training.tagger.evaluate import TfidfBaseline, choose_threshold, eval_sets, evaluate, write_report
    from desktop_app.training.tagger.export import write_model_folder
    from desktop_app.training.tagger.train import finetune
    from desktop_app.training.tagger.model_card import finalise_model_folder, onnx_predictor, parity

    torch.set_num_threads(recipe.threads)
    tokenizer, encoder_dir = stage_pretrain(data, work, recipe, reuse=reuse_pretrained)
    tickets = load_tickets(data)
    reviews = load_reviews(data)
    handwritten = load_handwritten()
    labelled = [t.example() for t in tickets if t.split == "train"] + handwritten + list(feedback or [])
    review_train = reviews.shopping_train + reviews.waimai + reviews.eprstmt_train
    model = finetune(tokenizer, recipe.size, labelled, review_train, finetune_settings, pretrained=encoder_dir)
    torch.save(model.state_dict(), work / "tagger.pt")

    sets = eval_sets(tickets, reviews)
    torch_predict = torch_predictor(model, tokenizer, recipe.size.max_length)
    report: dict = {"model_torch": evaluate(torch_predict, sets, choose_threshold(torch_predict, sets.dev).threshold)}
    log.info("training the TF-IDF baseline on the same data")
    baseline = TfidfBaseline(labelled, review_train)
    report["baseline"] = evaluate(baseline, sets, choose_threshold(baseline, sets.dev).threshold)

    provenance = {
        "training_data": {
            "tickets_train": sum(t.split == "train" for t in tickets),
            "handwritten_and_demo": len(handwritten),
            "feedback_corrections": len(feedback or []),
            "reviews": {
                "online_shopping_10_cats (train split)": len(reviews.shopping_train),
                "waimai_10k": len(reviews.waimai),
                "eprstmt train+dev": len(reviews.eprstmt_train),
            },
            "pretraining": json.loads((work / "pretrain.json").read_text("utf-8"))
            if (work / "pretrain.json").is_file()
            else {},
        },
        "flag": {"negative_threshold": 0.5, "intents": ["complaint"], "recall_target_on_dev": 0.95},
        "finetune": finetune_settings.__dict__,
        "pretrain": recipe.pretrain.__dict__,
    }
    folder, ops = write_model_folder(model, tokenizer, recipe.size, out, provenance, "(model card pending evaluation)")
    log.info("exported %s with ops %s", folder, ", ".join(ops))
    # The threshold ships with the int8 model, so it is chosen on that model's dev scores.
    onnx = onnx_predictor(folder)
    choice = choose_threshold(onnx, sets.dev)
    threshold = choice.threshold
    log.info("flag threshold %s", choice)
    report["model"] = evaluate(onnx, sets, threshold)
    report["threshold_choice"] = choice.__dict__
    report["parity"] = parity(onnx, torch_predict, sets)
    report["onnx_ops"] = ops
    finalise_model_folder(folder, report, threshold)
    files = write_report(report, report_dir or work)
    return TrainResult(folder, report, files)
