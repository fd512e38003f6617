"""A toy ticket-tagger folder with the real layout, built without torch.

``model.onnx`` is a few ONNX nodes: token embeddings (``Gather``), a mean over the
attention mask, and one ``MatMul + Add`` per head. Each embedding is a vote: "投"/"诉"
vote for ``complaint``, "差"/"垃圾" for ``negative``, "快递" for ``logistics``, "谢"/"棒"
for ``positive`` and so on; every other token votes for nothing, so the biases (``other``,
``neutral``) win for texts without a known character. ``tokenizer.json`` is a ``tokenizers``
BERT WordPiece with ``[PAD] [UNK] [CLS] [SEP] [MASK]``, the cleaning placeholders of
``desktop_app.nlp.text`` and a few dozen Chinese characters; the manifest carries the real
sha256 of both files.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from desktop_app.domain.vocabulary import INTENTS, SENTIMENTS
from desktop_app.nlp.model_folder import file_hashes
from desktop_app.nlp.text import PLACEHOLDER_TOKENS

INTENT_LABELS = list(INTENTS)
SENTIMENT_LABELS = list(SENTIMENTS)
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
NEGATIVE_THRESHOLD = 0.6
SCALE = 6.0

# character -> {label: vote}; intents and sentiments share one embedding space.
VOTES: dict[str, dict[str, float]] = {
    "快": {"logistics": 1.5},
    "递": {"logistics": 1.5},
    "物": {"logistics": 1.5},
    "流": {"logistics": 1.5},
    "发": {"logistics": 1.0},
    "货": {"logistics": 0.5, "return_refund": 0.5},
    "退": {"return_refund": 2.0, "refund_compensation": 0.5},
    "换": {"exchange": 2.5},
    "款": {"refund_compensation": 1.5, "return_refund": 0.5},
    "修": {"repair_warranty": 2.5},
    "坏": {"repair_warranty": 1.5, "negative": 0.5},
    "取": {"order_change": 1.5},
    "消": {"order_change": 1.5},
    "址": {"order_change": 2.0},
    "票": {"invoice": 3.0},
    "码": {"product_inquiry": 1.5},
    "券": {"account_payment": 3.0},
    "投": {"complaint": 3.0},
    "诉": {"complaint": 3.0},
    "评": {"complaint": 1.0},
    "差": {"negative": 3.0},
    "垃": {"negative": 3.0},
    "圾": {"negative": 3.0},
    "慢": {"negative": 2.0},
    "气": {"negative": 2.0},
    "谢": {"positive": 2.5},
    "棒": {"positive": 3.0},
}
PLAIN_CHARS = list("你们的了我要态度太什么时候到请问这个能吗是不还没在哪里帮好地") + list("，。！？")
VOCAB = SPECIALS + list(PLACEHOLDER_TOKENS) + list(VOTES) + PLAIN_CHARS
INTENT_BIAS = {"other": 0.5}
SENTIMENT_BIAS = {"neutral": 0.5}


def _initializer(name: str, array: np.ndarray):  # type: ignore[no-untyped-def]
    from onnx import numpy_helper

    return numpy_helper.from_array(array, name=name)


def build_onnx(path: Path) -> None:
    import onnx
    from onnx import TensorProto, helper

    labels = INTENT_LABELS + SENTIMENT_LABELS
    dim = len(labels)
    embedding = np.zeros((len(VOCAB), dim), dtype=np.float32)
    for char, votes in VOTES.items():
        for label, vote in votes.items():
            embedding[VOCAB.index(char), labels.index(label)] = vote
    w_intent = np.zeros((dim, len(INTENT_LABELS)), dtype=np.float32)
    w_intent[: len(INTENT_LABELS), :] = np.eye(len(INTENT_LABELS)) * SCALE
    w_sentiment = np.zeros((dim, len(SENTIMENT_LABELS)), dtype=np.float32)
    w_sentiment[len(INTENT_LABELS) :, :] = np.eye(len(SENTIMENT_LABELS)) * SCALE
    b_intent = np.array([INTENT_BIAS.get(x, 0.0) for x in INTENT_LABELS], dtype=np.float32)
    b_sentiment = np.array([SENTIMENT_BIAS.get(x, 0.0) for x in SENTIMENT_LABELS], dtype=np.float32)

    nodes = [
        helper.make_node("Gather", ["embedding", "input_ids"], ["embedded"], axis=0),
        helper.make_node("Cast", ["attention_mask"], ["mask_float"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_float", "axis2"], ["mask3"]),
        helper.make_node("Mul", ["embedded", "mask3"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "axis1"], ["summed"], keepdims=0),
        helper.make_node("ReduceSum", ["mask_float", "axis1"], ["count"], keepdims=1),
        helper.make_node("Div", ["summed", "count"], ["pooled"]),
        helper.make_node("MatMul", ["pooled", "w_intent"], ["intent_raw"]),
        helper.make_node("Add", ["intent_raw", "b_intent"], ["intent_logits"]),
        helper.make_node("MatMul", ["pooled", "w_sentiment"], ["sentiment_raw"]),
        helper.make_node("Add", ["sentiment_raw", "b_sentiment"], ["sentiment_logits"]),
    ]
    graph = helper.make_graph(
        nodes,
        "toy_tagger",
        inputs=[
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"]),
        ],
        outputs=[
            helper.make_tensor_value_info("intent_logits", TensorProto.FLOAT, ["batch", len(INTENT_LABELS)]),
            helper.make_tensor_value_info("sentiment_logits", TensorProto.FLOAT, ["batch", len(SENTIMENT_LABELS)]),
        ],
        initializer=[
            _initializer("embedding", embedding),
            _initializer("axis1", np.array([1], dtype=np.int64)),
            _initializer("axis2", np.array([2], dtype=np.int64)),
            _initializer("w_intent", w_intent),
            _initializer("b_intent", b_intent),
            _initializer("w_sentiment", w_sentiment),
            _initializer("b_sentiment", b_sentiment),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="toy-tagger")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def build_tokenizer(path: Path) -> None:
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    vocab = {token: index for index, token in enumerate(VOCAB)}
    tokenizer = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    tokenizer.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=False, lowercase=False
    )
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])],
    )
    tokenizer.add_special_tokens(SPECIALS + list(PLACEHOLDER_TOKENS))
    tokenizer.save(str(path))


def manifest(files: dict[str, str], **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "aftersales-tagger",
        "version": "0.0.1-toy",
        "task": "ticket-tagging",
        "files": files,
        "inputs": ["input_ids", "attention_mask"],
        "outputs": ["intent_logits", "sentiment_logits"],
        "labels": {"intent": INTENT_LABELS, "sentiment": SENTIMENT_LABELS},
        "max_length": 128,
        "text_cleaning": "desktop_app.nlp.text.clean_text",
        "flag": {"negative_threshold": NEGATIVE_THRESHOLD, "intents": ["complaint"]},
        "training_data": ["hand-written toy weights (tests only)"],
        "metrics": {},
    }
    data.update(overrides)
    return data


def write_manifest(folder: Path, **overrides: object) -> None:
    names = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != "manifest.json")
    data = manifest(file_hashes(folder, names), **overrides)
    (folder / "manifest.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def build_toy_tagger(folder: Path, **manifest_overrides: object) -> Path:
    """Write a complete, hash-verified toy tagger folder and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    build_onnx(folder / "model.onnx")
    build_tokenizer(folder / "tokenizer.json")
    (folder / "README.md").write_text("# Toy ticket tagger\n\nHand-set weights for the test suite.\n", "utf-8")
    write_manifest(folder, **manifest_overrides)
    return folder
