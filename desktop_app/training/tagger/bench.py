"""`aftersales bench tagger`: the shipped int8 ONNX model against the same model in torch
eager (fp32), in the same run, on the same texts: p50/p95 latency and tickets per second
at batch 1 and batch 32."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer

from desktop_app.nlp.tagging.tagger import TicketTagger
from desktop_app.nlp.text import clean_text
from desktop_app.training.common.batching import pad_batch
from desktop_app.training.tagger.model import EncoderSize, TicketTaggerModel
from desktop_app.training.tagger.train import INTENT_LABELS


@dataclass(frozen=True)
class BenchLine:
    engine: str
    batch: int
    p50_ms: float
    p95_ms: float
    tickets_per_s: float


def _percentile(samples: list[float], q: float) -> float:
    return float(np.percentile(samples, q))


def _measure(run: Callable[[list[list[int]]], object], batches: list[list[list[int]]], batch: int) -> BenchLine:
    run(batches[0])  # warm-up
    samples = []
    for ids in batches:
        started = time.perf_counter()
        run(ids)
        samples.append((time.perf_counter() - started) * 1000)
    total_s = sum(samples) / 1000
    return BenchLine("", batch, statistics.median(samples), _percentile(samples, 95), len(batches) * batch / total_s)


def torch_model_from(folder: Path, weights: Path) -> TicketTaggerModel:
    tagger = TicketTagger.load(folder)
    arch = tagger.folder.manifest["architecture"]
    size = EncoderSize(arch["layers"], arch["hidden"], arch["heads"], arch["intermediate"], arch["max_length"])
    model = TicketTaggerModel(size.config(arch["vocab_size"], tagger.pad_id), len(INTENT_LABELS))
    model.load_state_dict(torch.load(weights, map_location="cpu"))
    return model.eval()


def run_tagger_bench(
    folder: Path, texts: Sequence[str], torch_weights: Path | None, threads: int = 2, rounds: int = 200
) -> list[BenchLine]:
    tagger = TicketTagger.load(folder, threads=threads)
    tokenizer: Tokenizer = tagger.tokenizer
    encoded = [e.ids for e in tokenizer.encode_batch([clean_text(t) for t in texts])]
    singles = [[encoded[i % len(encoded)]] for i in range(rounds)]
    thirty_twos = [[encoded[(i * 32 + j) % len(encoded)] for j in range(32)] for i in range(max(8, rounds // 16))]
    lines = []
    onnx_run = tagger._run
    for batch, batches in ((1, singles), (32, thirty_twos)):
        line = _measure(onnx_run, batches, batch)
        lines.append(
            BenchLine(f"onnxruntime int8, {threads} threads", batch, line.p50_ms, line.p95_ms, line.tickets_per_s)
        )
    if torch_weights is not None and torch_weights.is_file():
        torch.set_num_threads(threads)
        model = torch_model_from(folder, torch_weights)

        @torch.inference_mode()
        def torch_run(ids: list[list[int]]) -> object:
            input_ids, mask = pad_batch(ids, tagger.pad_id)
            return model(input_ids, mask)

        for batch, batches in ((1, singles), (32, thirty_twos)):
            line = _measure(torch_run, batches, batch)
            lines.append(
                BenchLine(f"torch eager fp32, {threads} threads", batch, line.p50_ms, line.p95_ms, line.tickets_per_s)
            )
    return lines
