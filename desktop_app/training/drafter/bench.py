"""``aftersales bench drafter``: first-token latency and decode speed, onnxruntime-genai vs torch eager.

Both engines generate exactly the same number of new tokens (the end token is held back)
from the same prompts, greedily, at batch 1 with the same thread count, in one run. The
onnxruntime-genai side runs through ``ReplyDrafter`` itself, logits editing included, so the
figure is what the app gets.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.nlp.drafting.drafter import ReplyDrafter
from desktop_app.nlp.drafting.prompt import DraftRequest, build_default_prompt

if TYPE_CHECKING:
    from desktop_app.nlp.drafting.pipeline import DraftPlan


@dataclass(frozen=True)
class DrafterBenchLine:
    engine: str
    first_token_ms_p50: float
    first_token_ms_p95: float
    tokens_per_s_p50: float
    prompt_tokens_mean: float
    new_tokens: int
    rounds: int

    def ratio_to(self, other: DrafterBenchLine) -> float:
        return self.tokens_per_s_p50 / max(other.tokens_per_s_p50, 1e-9)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def bench_onnx(drafter: ReplyDrafter, requests: Sequence[DraftRequest], new_tokens: int) -> DrafterBenchLine:
    first, speed, prompts = [], [], []
    drafter.draft(requests[0], max_new_tokens=4)  # warm-up
    for request in requests:
        started = time.perf_counter()
        result = drafter.stream(
            request,
            max_new_tokens=new_tokens,
            min_new_tokens=new_tokens,
        )
        total = time.perf_counter() - started
        first_ms = result.first_token_ms or total * 1000
        first.append(first_ms)
        if result.tokens > 1:
            speed.append((result.tokens - 1) / max(total - first_ms / 1000, 1e-9))
        prompts.append(len(drafter.prompt_ids(request)))
    return DrafterBenchLine(
        "onnxruntime-genai (ReplyDrafter)",
        statistics.median(first),
        _p95(first),
        statistics.median(speed),
        statistics.mean(prompts),
        new_tokens,
        len(requests),
    )


def bench_torch(hf_folder: Path, requests: Sequence[DraftRequest], new_tokens: int, threads: int) -> DrafterBenchLine:
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModelForCausalLM

    torch.set_num_threads(threads)
    tokenizer = Tokenizer.from_file(str(hf_folder / "tokenizer.json"))
    model = AutoModelForCausalLM.from_pretrained(hf_folder).eval()
    first, speed, prompts = [], [], []
    with torch.inference_mode():
        for index, request in enumerate([requests[0], *requests]):
            ids = torch.tensor([tokenizer.encode(build_default_prompt(request), add_special_tokens=False).ids])
            started = time.perf_counter()
            out = model(input_ids=ids, use_cache=True)
            token = out.logits[:, -1].argmax(-1, keepdim=True)
            first_s = time.perf_counter() - started
            cache = out.cache
            for _ in range(new_tokens - 1):
                out = model(input_ids=token, cache=cache, use_cache=True)
                cache = out.cache
                token = out.logits[:, -1].argmax(-1, keepdim=True)
            total = time.perf_counter() - started
            if index == 0:
                continue  # warm-up
            first.append(first_s * 1000)
            speed.append((new_tokens - 1) / max(total - first_s, 1e-9))
            prompts.append(ids.shape[1])
    return DrafterBenchLine(
        "torch eager fp32 (KV cache)",
        statistics.median(first),
        _p95(first),
        statistics.median(speed),
        statistics.mean(prompts),
        new_tokens,
        len(requests),
    )


@dataclass(frozen=True)
class WholeReplyLine:
    """What the agent waits for: a whole reply as the app drafts it (natural length, guards,
    promise check and, with several candidates, all the draws and the choice)."""

    setting: str
    ms_p50: float
    ms_p95: float
    chars_mean: float
    rounds: int


def bench_whole_reply(drafter: ReplyDrafter, plans: Sequence[DraftPlan], candidates: int) -> WholeReplyLine:
    """``draft_ticket`` end to end on each plan, with the drafter drawing ``candidates`` drafts."""
    from desktop_app.nlp.drafting.pipeline import draft_ticket

    draft_ticket(drafter, plans[0], candidates=candidates)  # warm-up
    times, lengths = [], []
    for plan in plans:
        started = time.perf_counter()
        outcome = draft_ticket(drafter, plan, candidates=candidates)
        times.append((time.perf_counter() - started) * 1000)
        lengths.append(len(outcome.text))
    label = f"best of {candidates} drafts" if candidates > 1 else "one greedy draft"
    return WholeReplyLine(label, statistics.median(times), _p95(times), statistics.mean(lengths), len(plans))


def run_drafter_bench(
    model_dir: Path, hf_folder: Path | None, requests: Sequence[DraftRequest], threads: int = 2, new_tokens: int = 48
) -> list[DrafterBenchLine]:
    drafter = ReplyDrafter.load(model_dir, threads=threads)
    lines = [bench_onnx(drafter, requests, new_tokens)]
    if hf_folder is not None and (hf_folder / "config.json").is_file():
        lines.append(bench_torch(hf_folder, requests, new_tokens, threads))
    return lines


def run_whole_reply_bench(model_dir: Path, plans: Sequence[DraftPlan], threads: int = 2) -> list[WholeReplyLine]:
    """The manifest's best-of-N reply next to one greedy draft, on the same plans, in one run."""
    drafter = ReplyDrafter.load(model_dir, threads=threads)
    counts = dict.fromkeys((drafter.candidates, 1))
    return [bench_whole_reply(drafter, plans, n) for n in counts]
