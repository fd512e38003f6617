"""The drafter's model folder as the app reads it: its manifest, card and session threads.

Written by training (``training/drafter/export.py``, after onnxruntime-genai's builder) and
by ``aftersales drafter adopt`` for a company's own exported Qwen or Llama, so both make the
same folder, and the app side owns the format without importing the training package.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from desktop_app.nlp.drafting.drafter import CONFIG_FILE, DEFAULT_MAX_NEW_TOKENS, TASK
from desktop_app.nlp.drafting.prompt import CONTEXT_CHARS, DEFAULT_FORMAT, KB_CHARS
from desktop_app.nlp.manifest import MANIFEST_FILE, Manifest, file_hashes

LICENCES = {
    "authored_corpus": "resources/corpus, written for this project (its own; no third-party terms)",
    "jddc_pairs": "JDDC competition data (JD.com), research use; no licence stated (LM stage only)",
    "jddc2019": "JDDC 2019 (JD.com), research use; no licence stated",
    "csds": "CSDS test split (EMNLP 2021, xiaolinAndy/CSDS); no licence stated",
    "reviews": "online_shopping_10_cats, waimai_10k (SophonPlus/ChineseNlpCorpus), FewCLUE EPRSTMT unlabeled; "
    "no licence stated (a 15,000-review sample, LM stage only)",
    "knowledge_base": "resources/kb, written for this project",
}


FREQUENCY_PENALTY = 1.0  # 0 turns it off
# Each reply is the best of CANDIDATES drafts (nlp.drafting.rerank): the greedy one and
# the others sampled at this temperature; 重新生成 samples them all with a new seed.
# Chosen on the corpus dev split: 0.5 gave better drafts to choose from than 0.8.
SAMPLING = {"temperature": 0.5, "top_p": 0.9}
CANDIDATES = 4



def set_default_threads(out: Path, threads: int = 2) -> None:
    """Leave a core for the UI: the decoder session uses two intra-op threads unless overridden."""
    config_path = out / CONFIG_FILE
    config = json.loads(config_path.read_text("utf-8"))
    options = config["model"]["decoder"].setdefault("session_options", {})
    options["intra_op_num_threads"] = threads
    options["inter_op_num_threads"] = 1
    config_path.write_text(json.dumps(config, indent=4), "utf-8")


def write_manifest(
    out: Path,
    *,
    name: str,
    architecture: dict[str, Any],
    precision: str,
    training: dict[str, Any],
    metrics: dict[str, Any] | None = None,
    prompt_format: str = DEFAULT_FORMAT,
) -> Manifest:
    sections: dict[str, Any] = {
        "runtime": "onnxruntime-genai",
        "prompt": {
            "format": prompt_format,
            "max_new_tokens": DEFAULT_MAX_NEW_TOKENS,
            "context_chars": CONTEXT_CHARS,
            "kb_chars": KB_CHARS,
            "repetition_penalty": 1.0,
            "frequency_penalty": FREQUENCY_PENALTY,
            **SAMPLING,
            "candidates": CANDIDATES,
            "no_repeat_ngram": 3,
            "slots": {"[ORDER]": "ticket order_id"},
        },
        "architecture": architecture,
        "quantization": f"onnxruntime-genai model builder, {precision} weights (MatMulNBits), CPU",
        "training_data": training,
        "licences": LICENCES,
        "metrics": metrics or {},
    }
    manifest = Manifest(name=name, task=TASK, version=date.today().isoformat(), files={}, sections=sections)
    # The card is written first so that its hash is in the manifest like every other file's.
    (out / "README.md").write_text(model_card(manifest.to_json()), "utf-8")
    files = [p.name for p in out.iterdir() if p.is_file() and p.name != MANIFEST_FILE]
    manifest = manifest.replace(files=file_hashes(out, files))
    manifest.write(out)
    return manifest


def model_card(manifest: dict[str, Any]) -> str:
    metrics = manifest.get("metrics", {})
    lines = [
        f"# {manifest['name']} (reply drafter)",
        "",
        "A small decoder-only transformer (transformers' Qwen2 classes) trained from scratch: a language-model",
        "stage on the plain Chinese text at hand, then fine-tuning on the project's own authored corpus",
        "(resources/corpus, train split) in the exact prompt the app builds. It writes the reply from the",
        "knowledge-base entries retrieved for the ticket; an agent always reads it before anything is sent.",
        "",
        "## Architecture",
        "",
        "```json",
        json.dumps(manifest["architecture"], indent=2),
        "```",
        "",
        f"Quantization: {manifest['quantization']}.",
        "",
        "## Prompt",
        "",
        f"Format `{manifest['prompt']['format']}` (desktop_app/nlp/drafting/prompt.py): ticket intent and sentiment",
        "from the tagger (negative already at a tagger score of 0.3), the full text of the two best",
        "knowledge-base entries (ranker + BM25, models/retriever, averaged over the tagger's intent scores;",
        "`aftersales-v3` adds each entry's applies_when), the order facts and the recent turns.",
        "While decoding, a digit string may only be one that occurs in",
        "the prompt, and the entries' never_promise phrases are banned; afterwards the promise check marks",
        "sentences that commit the shop without support. `[ORDER]` is filled with the ticket's own number.",
        "",
        f"Each reply is the best of {manifest['prompt'].get('candidates', 1)} drafts (the greedy one, the others sampled at",
        f"temperature {manifest['prompt'].get('temperature')}), chosen by how much of the draft the retrieved entries",
        "and the ticket support, the model's own confidence, the promise check, for an upset customer",
        "an apology, and not asking again for an order number the ticket has",
        "(desktop_app/nlp/drafting/rerank.py). An apology sentence that describes a situation",
        "the customer never did is cut back to a plain apology, and when none of the drafts apologises to an",
        "upset customer the chosen one opens with one (desktop_app/nlp/drafting/apology.py).",
        "",
        "## Training data and licences",
        "",
        "```json",
        json.dumps(manifest["training_data"], ensure_ascii=False, indent=2),
        "```",
        "",
    ]
    lines += [f"- {source}: {licence}" for source, licence in manifest["licences"].items()]
    lines += [
        "",
        "The fine-tuning data is the project's own. The dialogue corpora used in the language-model stage",
        "carry no licence or research-only terms. To retrain on your own sent replies:",
        "`aftersales export-training --as SUPERVISOR feedback.jsonl`, then `aftersales train drafter --feedback feedback.jsonl`",
        "(the pairs of AI draft and sent text the app stores, masked, from the audited export).",
        "",
        *_how_well(metrics),
        "## Metrics",
        "",
        "```json",
        json.dumps(metrics, ensure_ascii=False, indent=2),
        "```",
        "",
        "## Limits",
        "",
        "Small (a few million parameters) and fine-tuned on a few thousand tickets: it learns the shop's",
        "register and to restate the retrieved entry; it knows no facts of its own. When retrieval misses,",
        "the draft is about the wrong policy: the agent sees which entries it used beside the reply.",
    ]
    return "\n".join(lines) + "\n"


def _how_well(metrics: dict[str, Any]) -> list[str]:
    """The rubric verdicts in words, when a judge has read the test drafts."""
    rubric = metrics.get("rubric", {})
    drafter, baseline = rubric.get("drafter"), rubric.get("baseline")
    if not drafter:
        return []
    lines = [
        "## How well it does (corpus test, judged with shared/RUBRIC.md)",
        "",
        f"{drafter['judged']} corpus test drafts judged blind by judges who wrote neither the corpus nor the",
        f"prompts (reports/drafter_verdicts.jsonl): send {drafter['send']}, light {drafter['light']}, rewrite "
        f"{drafter['rewrite']}, harmful {drafter['harmful']}: send or light {drafter['send_or_light']}, harmful "
        f"{drafter['harmful_share']}.",
    ]
    if baseline:
        lines.append(
            f"The retrieval-only baseline (the nearest train ticket's reply, sent as it is): send or light "
            f"{baseline['send_or_light']}, harmful {baseline['harmful_share']}."
        )
    lines += ["An agent must read every draft before sending it.", ""]
    return lines
