"""Exporting the fine-tuned tagger into the model folder of DESIGN.md.

torch → ONNX (eager attention, dynamic batch and length) → onnxruntime's BERT fusion
(Attention, SkipLayerNorm, Gelu) → dynamic int8 quantisation → folder with
``model.onnx``, ``tokenizer.json``, ``manifest.json`` (sha256 of every file) and a model card.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import warnings
from pathlib import Path

import onnx
import torch
from tokenizers import Tokenizer

from desktop_app.nlp.manifest import Manifest, file_hashes
from desktop_app.training.common.corpora import SENTIMENTS
from desktop_app.training.tagger.model import EncoderSize, TicketTaggerModel
from desktop_app.training.tagger.train import INTENT_LABELS

log = logging.getLogger(__name__)

INPUTS = ["input_ids", "attention_mask"]
OUTPUTS = ["intent_logits", "sentiment_logits"]
OPSET = 17


def export_onnx(model: TicketTaggerModel, path: Path, max_length: int) -> None:
    model.eval()
    ids = torch.ones((2, min(16, max_length)), dtype=torch.long)
    mask = torch.ones_like(ids)
    # The TorchScript exporter is deprecated, but its graph is the one onnxruntime's BERT
    # fusion recognises (Attention, SkipLayerNorm); its tracer warnings are about shapes
    # that the dynamic axes below cover.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        _export(model, ids, mask, path)


def _export(model: TicketTaggerModel, ids: torch.Tensor, mask: torch.Tensor, path: Path) -> None:
    torch.onnx.export(
        model,
        (ids, mask),
        str(path),
        input_names=INPUTS,
        output_names=OUTPUTS,
        dynamic_axes={
            "input_ids": {0: "batch", 1: "sequence"},
            "attention_mask": {0: "batch", 1: "sequence"},
            "intent_logits": {0: "batch"},
            "sentiment_logits": {0: "batch"},
        },
        opset_version=OPSET,
        dynamo=False,
    )


def fuse_and_quantise(fp32: Path, int8: Path, size: EncoderSize) -> list[str]:
    """Fuse the BERT subgraphs, then quantise weights to int8; return the op types found."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model

    fused = fp32.with_name("fused.onnx")
    optimized = optimize_model(str(fp32), model_type="bert", num_heads=size.heads, hidden_size=size.hidden)
    optimized.save_model_to_file(str(fused))
    # Fused ops live in the com.microsoft domain, which ONNX shape inference cannot type.
    quantize_dynamic(
        str(fused), str(int8), weight_type=QuantType.QInt8, extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT}
    )
    return sorted({node.op_type for node in onnx.load(str(int8)).graph.node})


def write_model_folder(
    model: TicketTaggerModel,
    tokenizer: Tokenizer,
    size: EncoderSize,
    out: Path,
    manifest_fields: dict,
    model_card: str,
) -> tuple[Path, list[str]]:
    """Build the folder in a temporary place, then swap it in: a crash leaves the old model."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".tagger-", dir=out.parent))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            fp32 = Path(tmp) / "fp32.onnx"
            export_onnx(model, fp32, size.max_length)
            ops = fuse_and_quantise(fp32, staging / "model.onnx", size)
        tokenizer.save(str(staging / "tokenizer.json"))
        (staging / "README.md").write_text(model_card, encoding="utf-8")
        sections = {
            "inputs": INPUTS,
            "outputs": OUTPUTS,
            "labels": {"intent": list(INTENT_LABELS), "sentiment": list(SENTIMENTS)},
            "max_length": size.max_length,
            "text_cleaning": "desktop_app.nlp.text.clean_text",
            "architecture": {"type": "bert", **size.as_dict(), "vocab_size": tokenizer.get_vocab_size()},
            "quantization": "onnxruntime dynamic int8 (weights), BERT fusion",
            **manifest_fields,
        }
        files = file_hashes(staging, ["model.onnx", "tokenizer.json", "README.md"])
        Manifest(name="aftersales-tagger", task="ticket-tagging", files=files, sections=sections).write(staging)
        if out.exists():
            backup = out.with_name(out.name + ".previous")
            shutil.rmtree(backup, ignore_errors=True)
            out.rename(backup)
            staging.rename(out)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out, ops
