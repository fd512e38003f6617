"""The ticket tagger at run time: ``tokenizer.json`` + ``model.onnx`` on onnxruntime, no torch.

Like fastembed, one ``InferenceSession`` per model with explicit session options: the
intra-op pool leaves one core to the UI thread, idle worker threads do not spin, the
graph is fully optimised once at load. Texts go through ``clean_text`` (the cleaning the
model was trained with), are tokenized in one call, sorted by length and padded per batch
to the longest in that batch, so a batch of short tickets never pays for a long one.
Where the folder has a lexical head (``lexical.npz``), its probabilities are blended in
with the weights the manifest gives (see ``lexical.py``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from desktop_app.domain.vocabulary import NEGATIVE, FlagRule
from desktop_app.nlp.model_folder import Manifest, ModelFolder, ModelFolderError, open_model_folder
from desktop_app.nlp.tagging.lexical import LEXICAL_FILE, Blend, LexicalHead
from desktop_app.nlp.text import clean_text

TASK = "ticket-tagging"
MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
INPUT_NAMES = ("input_ids", "attention_mask")
INTENT_OUTPUT = "intent_logits"
SENTIMENT_OUTPUT = "sentiment_logits"
PAD_TOKEN = "[PAD]"
DEFAULT_MAX_LENGTH = 128


def default_threads() -> int:
    """All cores but one: the UI thread keeps a core while a batch runs."""
    return max(1, (os.cpu_count() or 2) - 1)


@dataclass(frozen=True, slots=True)
class TagResult:
    intent: str
    intent_scores: dict[str, float]  # every intent, in the model's label order
    sentiment: str
    sentiment_scores: dict[str, float]
    flagged: bool
    flag_reasons: list[str] = field(default_factory=list)

    @property
    def intent_score(self) -> float:
        return self.intent_scores[self.intent]

    @property
    def sentiment_score(self) -> float:
        return self.sentiment_scores[self.sentiment]

    def to_json(self, digits: int = 6) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "intent_scores": {k: round(v, digits) for k, v in self.intent_scores.items()},
            "sentiment": self.sentiment,
            "sentiment_scores": {k: round(v, digits) for k, v in self.sentiment_scores.items()},
            "flagged": self.flagged,
            "flag_reasons": list(self.flag_reasons),
        }


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


def _label_list(manifest: Manifest, task: str, where: Path) -> tuple[str, ...]:
    labels = (manifest.get("labels") or {}).get(task)
    if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
        raise ModelFolderError(f"{where / 'manifest.json'} has no labels.{task} list")
    if len(set(labels)) != len(labels):
        raise ModelFolderError(f"{where / 'manifest.json'}: labels.{task} repeats a label")
    return tuple(labels)


def _temperatures(manifest: Manifest, where: Path) -> tuple[float, float]:
    """The manifest's ``calibration`` temperatures (1.0 when absent: an uncalibrated model)."""
    calibration = manifest.get("calibration") or {}
    if not isinstance(calibration, dict):
        raise ModelFolderError(f"{where / 'manifest.json'}: calibration must be an object")
    values = []
    for key in ("intent_temperature", "sentiment_temperature"):
        value = calibration.get(key, 1.0)
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0.05 <= value <= 20:
            raise ModelFolderError(f"{where / 'manifest.json'}: calibration.{key} must be a number in [0.05, 20]")
        values.append(float(value))
    return values[0], values[1]


def _lexical_part(folder: ModelFolder) -> tuple[LexicalHead, Blend] | None:
    """The lexical head and blend weights when the manifest names them (tagger v2.1 and later)."""
    section = folder.manifest.get("lexical")
    if section is None:
        return None
    where = folder.path / "manifest.json"
    blend = Blend.from_manifest(section, where)
    if section.get("file") != LEXICAL_FILE or LEXICAL_FILE not in folder.manifest.files:
        raise ModelFolderError(f"{where}: lexical.file must be {LEXICAL_FILE!r}, listed with its sha256 in files")
    intents = len(_label_list(folder.manifest, "intent", folder.path))
    sentiments = len(_label_list(folder.manifest, "sentiment", folder.path))
    return LexicalHead.load(folder.file(LEXICAL_FILE), intents, sentiments), blend


class TicketTagger:
    """Intent and sentiment of ticket texts; ``load`` verifies the folder first.

    ``tag`` may be called from one worker thread at a time (the GUI's tagging runner,
    the CLI); onnxruntime parallelises inside each run.
    """

    def __init__(
        self,
        folder: ModelFolder,
        session: Any,
        tokenizer: Any,
        flag_rule: FlagRule,
        threads: int,
        lexical: tuple[LexicalHead, Blend] | None = None,
    ) -> None:
        manifest = folder.manifest
        self.folder = folder
        self.session = session
        self.tokenizer = tokenizer
        self.flag_rule = flag_rule
        self.threads = threads
        self.lexical = lexical
        self.intent_labels = _label_list(manifest, "intent", folder.path)
        self.sentiment_labels = _label_list(manifest, "sentiment", folder.path)
        if NEGATIVE not in self.sentiment_labels:
            raise ModelFolderError(f"{folder.path / 'manifest.json'}: labels.sentiment lacks {NEGATIVE!r}")
        self.max_length = int(manifest.get("max_length", DEFAULT_MAX_LENGTH))
        self.intent_temperature, self.sentiment_temperature = _temperatures(manifest, folder.path)
        self.negative_index = self.sentiment_labels.index(NEGATIVE)
        self._input_names = [i.name for i in session.get_inputs()]
        self._check_outputs()
        self.pad_id = tokenizer.token_to_id(PAD_TOKEN)
        if self.pad_id is None:
            raise ModelFolderError(f"{folder.file(TOKENIZER_FILE)} has no {PAD_TOKEN} token")

    # -- loading -------------------------------------------------------------------
    @classmethod
    def load(
        cls,
        folder: Path | str,
        threads: int | None = None,
        negative_threshold: float | None = None,
    ) -> TicketTagger:
        """Verify ``folder`` (hashes, task, files) and load it; raise ModelFolderError otherwise.

        ``negative_threshold`` overrides the manifest's flag threshold (a deployment setting).
        """
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_folder = open_model_folder(Path(folder), task=TASK, required=(MODEL_FILE, TOKENIZER_FILE))
        manifest = model_folder.manifest
        try:
            flag_rule = FlagRule.from_json(manifest.get("flag"))
            if negative_threshold is not None:
                flag_rule = FlagRule.from_json({**flag_rule.to_json(), "negative_threshold": negative_threshold})
        except ValueError as exc:
            raise ModelFolderError(f"{model_folder.file('manifest.json')}: {exc}") from exc
        max_length = manifest.get("max_length", DEFAULT_MAX_LENGTH)
        if not isinstance(max_length, int) or isinstance(max_length, bool) or max_length < 3:
            raise ModelFolderError(f"{model_folder.file('manifest.json')}: max_length must be an integer ≥ 3")
        threads = threads if threads and threads > 0 else default_threads()

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # errors only: stderr stays readable for the CLI
        # Idle pool threads sleep instead of spinning: the tagger shares the PC with the UI.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            session = ort.InferenceSession(
                str(model_folder.file(MODEL_FILE)), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own pybind exception types
            raise ModelFolderError(f"{model_folder.file(MODEL_FILE)} cannot be loaded by onnxruntime: {exc}") from exc
        try:
            tokenizer = Tokenizer.from_file(str(model_folder.file(TOKENIZER_FILE)))
        except Exception as exc:
            raise ModelFolderError(f"{model_folder.file(TOKENIZER_FILE)} is not a tokenizers file: {exc}") from exc
        tokenizer.no_padding()  # padding is per batch, in _run
        # Truncation keeps [CLS] … [SEP]: the post-processor's tokens count towards max_length.
        tokenizer.enable_truncation(max_length=max_length)
        return cls(model_folder, session, tokenizer, flag_rule, threads, _lexical_part(model_folder))

    def _check_outputs(self) -> None:
        where = self.folder.file(MODEL_FILE)
        missing = [name for name in INPUT_NAMES if name not in self._input_names]
        unknown = [name for name in self._input_names if name not in (*INPUT_NAMES, "token_type_ids")]
        if missing or unknown:
            raise ModelFolderError(
                f"{where} takes inputs {self._input_names}, expected {list(INPUT_NAMES)} (int64 [batch, sequence])"
            )
        outputs = {o.name: o.shape for o in self.session.get_outputs()}
        for name, labels in ((INTENT_OUTPUT, self.intent_labels), (SENTIMENT_OUTPUT, self.sentiment_labels)):
            if name not in outputs:
                raise ModelFolderError(f"{where} has no output {name!r} (it has {sorted(outputs)})")
            width = outputs[name][-1] if outputs[name] else None
            if isinstance(width, int) and width != len(labels):
                raise ModelFolderError(
                    f"{where}: output {name} has {width} columns but the manifest lists {len(labels)} labels"
                )

    # -- what it is ----------------------------------------------------------------
    @property
    def name(self) -> str:
        """``name version``, as stored with every tag."""
        return self.folder.name

    @property
    def path(self) -> Path:
        return self.folder.path

    # -- inference -----------------------------------------------------------------
    def probabilities(
        self, texts: Sequence[str], batch_size: int = 32, clean: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """(intent probabilities [n, intents], sentiment probabilities [n, sentiments])."""
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        n = len(texts)
        intents = np.zeros((n, len(self.intent_labels)), dtype=np.float64)
        sentiments = np.zeros((n, len(self.sentiment_labels)), dtype=np.float64)
        if n == 0:
            return intents, sentiments
        cleaned = [clean_text(t) for t in texts] if clean else list(texts)
        ids = [encoding.ids for encoding in self.tokenizer.encode_batch(cleaned)]
        order = sorted(range(n), key=lambda i: len(ids[i]))  # similar lengths share a batch
        for start in range(0, n, batch_size):
            chosen = order[start : start + batch_size]
            intent_logits, sentiment_logits = self._run([ids[i] for i in chosen])
            # Temperature scaling (fitted on dev at training time) makes the scores calibrated.
            intents[chosen] = softmax(intent_logits.astype(np.float64) / self.intent_temperature)
            sentiments[chosen] = softmax(sentiment_logits.astype(np.float64) / self.sentiment_temperature)
        if self.lexical is not None:
            head, blend = self.lexical
            lexical_intents, lexical_sentiments = head.probabilities(cleaned)
            intents = blend.mix(intents, lexical_intents, "intent")
            sentiments = blend.mix(sentiments, lexical_sentiments, "sentiment")
        return intents, sentiments

    def _run(self, batch: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        width = max(len(ids) for ids in batch)
        input_ids = np.full((len(batch), width), self.pad_id, dtype=np.int64)
        attention = np.zeros((len(batch), width), dtype=np.int64)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = ids
            attention[row, : len(ids)] = 1
        feeds = {"input_ids": input_ids, "attention_mask": attention}
        if "token_type_ids" in self._input_names:
            feeds["token_type_ids"] = np.zeros_like(input_ids)
        intent_logits, sentiment_logits = self.session.run([INTENT_OUTPUT, SENTIMENT_OUTPUT], feeds)
        return np.asarray(intent_logits), np.asarray(sentiment_logits)

    def tag(self, texts: Sequence[str], batch_size: int = 32) -> list[TagResult]:
        """Tag every text; flagged tickets get their reasons.

        Trigger words cost an extra run per flagged ticket, so tagging leaves them out; they
        are computed when someone looks (``explain.tag_with_trigger_words``,
        ``TaggingService.explain``, ``classify --explain``).
        """
        intents, sentiments = self.probabilities(texts, batch_size)
        return [self._result(intents[position], sentiments[position]) for position in range(len(texts))]

    def _result(self, intent_probs: np.ndarray, sentiment_probs: np.ndarray) -> TagResult:
        intent_scores = {label: float(p) for label, p in zip(self.intent_labels, intent_probs, strict=True)}
        sentiment_scores = {label: float(p) for label, p in zip(self.sentiment_labels, sentiment_probs, strict=True)}
        intent = self.intent_labels[int(np.argmax(intent_probs))]
        sentiment = self.sentiment_labels[int(np.argmax(sentiment_probs))]
        reasons = self.flag_rule.reasons(intent, intent_scores[intent], sentiment_scores[NEGATIVE])
        return TagResult(intent, intent_scores, sentiment, sentiment_scores, bool(reasons), reasons)
