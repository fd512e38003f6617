"""ReplyDrafter: streams a reply draft from any decoder onnxruntime-genai runs.

One ``og.Model`` per folder (loading is the slow part), one generation at a time (a lock:
the model's KV cache and both CPU cores are shared), cancellable between tokens. The
folder's manifest says how to prompt the model (:mod:`desktop_app.nlp.drafting.prompt`), so a
company can point the app at a Qwen or Llama exported with the builder instead.

While generating, the logits are edited before each token is chosen: prompt markers and
corpus placeholders the draft could not fill are banned, and so is the previous token
again and any token that would repeat a trigram already in the draft; the manifest's
``frequency_penalty`` lowers tokens by how often the draft has used them (greedy decoding
of small models loops otherwise).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from desktop_app.nlp.drafting.fill import FILLABLE, UNFILLABLE, address_customer, polish
from desktop_app.nlp.drafting.guard import DigitGuard, banned_phrase_hit, digit_strings, drop_unfinished_number
from desktop_app.nlp.drafting.prompt import (
    CHAT_FORMAT,
    DEFAULT_FORMAT,
    PROMPT_FORMATS,
    PROMPT_TOKENS,
    DraftRequest,
    build_prompt,
    chat_messages,
)
from desktop_app.nlp.model_folder import ModelFolder, ModelFolderError, open_model_folder

TASK = "reply-drafting"
CONFIG_FILE = "genai_config.json"
TOKENIZER_FILE = "tokenizer.json"
DEFAULT_MAX_NEW_TOKENS = 64
NO_REPEAT_NGRAM = 3


def default_threads() -> int:
    import os

    return max(1, min(2, (os.cpu_count() or 2)))


@dataclass
class DraftResult:
    text: str  # what goes into the editor: slots filled, punctuation polished, customer addressed
    raw: str  # the model's own words, as streamed
    tokens: int
    ms: float
    first_token_ms: float | None
    stopped: bool = False  # cancelled before the model finished
    kb_ids: tuple[str, ...] = ()
    model: str = ""
    mean_logprob: float = 0.0  # the model's own mean log-probability of its tokens (guards applied)

    def to_json(self) -> dict[str, Any]:
        return {"draft": self.text, "tokens": self.tokens, "ms": round(self.ms, 1)}


@dataclass
class _Vocabulary:
    banned: list[int] = field(default_factory=list)
    slots: dict[int, str] = field(default_factory=dict)  # token id → DraftRequest field


class ReplyDrafter:
    def __init__(self, folder: ModelFolder, model: Any, tokenizer: Any, threads: int) -> None:
        self.folder = folder
        self.model = model
        self.tokenizer = tokenizer
        self.threads = threads
        prompt = folder.manifest.get("prompt", {})
        if not isinstance(prompt, dict):
            raise ModelFolderError(f"{folder.path}: manifest 'prompt' must be an object")
        self.format = prompt.get("format", DEFAULT_FORMAT)
        if self.format not in PROMPT_FORMATS:
            raise ModelFolderError(f"{folder.path}: unknown prompt format {self.format!r}")
        try:
            self.max_new_tokens = int(prompt.get("max_new_tokens", DEFAULT_MAX_NEW_TOKENS))
            self.repetition_penalty = float(prompt.get("repetition_penalty", 1.0))
            self.frequency_penalty = float(prompt.get("frequency_penalty", 0.0))
            # 重新生成 samples (a new seed each time); the first draft stays greedy.
            self.temperature = float(prompt.get("temperature", 0.8))
            self.top_p = float(prompt.get("top_p", 0.9))
            # Drafts drawn per reply, the best kept (nlp.drafting.rerank); 1 for a model
            # whose manifest does not ask for more (a swapped-in Qwen drafts once).
            self.candidates = int(prompt.get("candidates", 1))
        except (TypeError, ValueError) as exc:
            raise ModelFolderError(f"{folder.path}: manifest prompt settings are not numbers: {exc}") from exc
        if self.max_new_tokens < 1:
            raise ModelFolderError(f"{folder.path}: prompt.max_new_tokens must be at least 1")
        if not 1 <= self.candidates <= 16:
            raise ModelFolderError(f"{folder.path}: prompt.candidates must be between 1 and 16")
        self.chat_template = prompt.get("chat_template")
        self._eos = {int(i) for i in tokenizer.eos_token_ids}
        self._vocabulary = self._read_vocabulary()
        config = json.loads(folder.file(CONFIG_FILE).read_text("utf-8"))
        self.context_length = int(config.get("model", {}).get("context_length", 512))
        self.vocab_size = int(config.get("model", {}).get("vocab_size", 0))
        self._digits = DigitGuard(self._token_texts()) if self.vocab_size else None
        self._lock = threading.Lock()

    # -- loading -------------------------------------------------------------------
    @classmethod
    def load(cls, folder: Path | str, threads: int | None = None) -> ReplyDrafter:
        """Verify the folder's hashes, then load it; raise ModelFolderError with a reason otherwise."""
        import onnxruntime_genai as og

        model_folder = open_model_folder(Path(folder), task=TASK, required=(CONFIG_FILE, TOKENIZER_FILE))
        threads = threads or default_threads()
        try:
            config = og.Config(str(model_folder.path))
            options = {"intra_op_num_threads": threads, "inter_op_num_threads": 1}
            config.overlay(json.dumps({"model": {"decoder": {"session_options": options}}}))
            model = og.Model(config)
            tokenizer = og.Tokenizer(model)
        except Exception as exc:  # onnxruntime-genai raises plain RuntimeError/OSError
            raise ModelFolderError(f"{model_folder.path}: onnxruntime-genai cannot load the model: {exc}") from exc
        return cls(model_folder, model, tokenizer, threads)

    @property
    def name(self) -> str:
        return self.folder.name

    def _token_id(self, token: str) -> int | None:
        ids = list(self.tokenizer.encode(token))
        return int(ids[0]) if len(ids) == 1 else None

    def _token_texts(self) -> list[str]:
        """Each token's text (for the digit guard and the banned-phrase check)."""
        texts = []
        for token_id in range(self.vocab_size):
            try:
                texts.append(str(self.tokenizer.decode(np.asarray([token_id], dtype=np.int32))))
            except Exception:  # an id past the tokenizer's vocabulary (padded embedding rows)
                texts.append("")
        return texts

    def _read_vocabulary(self) -> _Vocabulary:
        """Ids of the special tokens this model's tokenizer has (a swapped-in model may have none)."""
        vocabulary = _Vocabulary()
        if self.format == CHAT_FORMAT:
            return vocabulary
        for token in (*PROMPT_TOKENS, *UNFILLABLE):
            token_id = self._token_id(token)
            if token_id is not None and token_id not in self._eos:
                vocabulary.banned.append(token_id)
        for token, field_name in FILLABLE.items():
            token_id = self._token_id(token)
            if token_id is not None:
                vocabulary.slots[token_id] = field_name
        return vocabulary

    # -- prompting -----------------------------------------------------------------
    def prompt_ids(self, request: DraftRequest) -> list[int]:
        if self.format == CHAT_FORMAT:
            messages = json.dumps(chat_messages(request), ensure_ascii=False)
            text = self.tokenizer.apply_chat_template(
                messages=messages, template_str=self.chat_template or "", add_generation_prompt=True
            )
        else:
            text = build_prompt(request, self.format)
        return [int(i) for i in self.tokenizer.encode(text)]

    def prompt_text(self, request: DraftRequest) -> str:
        """The prompt as text (what the digit guard and the promise check count as support)."""
        return build_prompt(request, self.format)

    def _choose(self, logits: np.ndarray, rng: np.random.Generator | None) -> int:
        """Greedy, or nucleus sampling at the manifest's temperature for a regenerated draft.

        When the guards have banned every token (a digit run nothing in the prompt can end)
        the draft ends here: the end token, never a NaN distribution or token 0."""
        if not np.isfinite(logits).any():
            return min(self._eos)
        if rng is None:
            return int(np.argmax(logits))
        scaled = logits.astype(np.float64) / max(self.temperature, 1e-3)
        scaled -= scaled.max()
        probs = np.exp(scaled)
        probs /= probs.sum()
        order = np.argsort(-probs)
        cumulative = np.cumsum(probs[order])
        keep = order[: int(np.searchsorted(cumulative, self.top_p)) + 1]
        kept = probs[keep] / probs[keep].sum()
        return int(rng.choice(keep, p=kept))

    # -- generating ----------------------------------------------------------------
    def stream(
        self,
        request: DraftRequest,
        cancel: threading.Event | None = None,
        max_new_tokens: int | None = None,
        on_token: Callable[[str], None] | None = None,
        min_new_tokens: int = 0,
        seed: int | None = None,
    ) -> DraftResult:
        """Generate (greedily, or sampled with ``seed``), calling ``on_token`` with each new piece.

        Requests from several threads run one after another. A set ``cancel`` event stops
        the draft between two tokens; the result then has ``stopped`` set. ``min_new_tokens``
        holds the end token back (benchmarks compare engines on equal lengths). The token is
        chosen here, after the guards have edited the logits, and forced on the generator.
        """
        import onnxruntime_genai as og

        with self._lock:
            started = time.perf_counter()
            prompt = self.prompt_ids(request)
            limit = max_new_tokens or self.max_new_tokens
            if len(prompt) + limit > self.context_length:
                prompt = prompt[-(self.context_length - limit) :]
            params = og.GeneratorParams(self.model)
            params.set_search_options(
                max_length=len(prompt) + limit,
                min_length=len(prompt) + min(min_new_tokens, limit),
                do_sample=False,
                repetition_penalty=self.repetition_penalty,
            )
            generator = og.Generator(self.model, params)
            generator.append_tokens(np.asarray(prompt, dtype=np.int32))
            stream = self.tokenizer.create_stream()
            rng = np.random.default_rng(seed) if seed is not None else None
            guard = self._digits if self.format != CHAT_FORMAT else None
            if guard is not None:
                guard.reset(digit_strings([self.prompt_text(request)]))
            banned = list(self._vocabulary.banned)
            banned.extend(t for t, name in self._vocabulary.slots.items() if not getattr(request, name, ""))
            generated: list[int] = []
            pieces: list[str] = []
            first_token_ms: float | None = None
            stopped = False
            produced = 0
            logprob_sum = 0.0
            while not generator.is_done():
                if cancel is not None and cancel.is_set():
                    stopped = True
                    break
                logits = np.array(generator.get_logits(), dtype=np.float32).reshape(-1)
                blocked = banned + _repeating(generated, NO_REPEAT_NGRAM) + generated[-1:]
                if guard is not None:
                    blocked += guard.banned()
                if self.frequency_penalty and generated:
                    # Each earlier use of a token makes it less likely again: small greedy
                    # models otherwise say "亲爱的" or "非常抱歉" three times in one draft.
                    counts = np.bincount(generated, minlength=logits.shape[-1])[: logits.shape[-1]]
                    logits -= self.frequency_penalty * counts
                if blocked:
                    logits[blocked] = -np.inf
                if produced < min_new_tokens or (guard is not None and guard.unfinished):
                    logits[list(self._eos)] = -np.inf  # an open number must be finished first
                token = self._choose(logits, rng)
                text_so_far = "".join(pieces)
                for _attempt in range(16):  # never write a never_promise phrase
                    piece_text = self._digits.token_texts[token] if self._digits and token < self.vocab_size else ""
                    if not banned_phrase_hit(text_so_far, piece_text, request.banned_phrases):
                        break
                    logits[token] = -np.inf
                    token = self._choose(logits, rng)
                logprob_sum += _log_probability(logits, token)
                forced = np.full((1, logits.shape[-1]), -np.inf, dtype=np.float32)
                forced[0, token] = 0.0
                generator.set_logits(forced)
                generator.generate_next_token()
                token = int(generator.get_next_tokens()[0])
                produced += 1
                if token in self._eos:
                    break
                generated.append(token)
                field_name = self._vocabulary.slots.get(token)
                if field_name:
                    banned.append(token)  # an order number is said once
                piece = str(getattr(request, field_name)) if field_name else stream.decode(token)
                if guard is not None and not field_name and token < len(guard.token_texts):
                    guard.feed(guard.token_texts[token])
                if first_token_ms is None:
                    first_token_ms = (time.perf_counter() - started) * 1000
                if piece:
                    pieces.append(piece)
                    if on_token is not None:
                        on_token(piece)
            raw = "".join(pieces)
            if guard is not None and guard.unfinished:  # the token limit came mid-number
                raw = drop_unfinished_number(raw, guard.allowed)
            elapsed = (time.perf_counter() - started) * 1000
            return DraftResult(
                text=address_customer(polish(raw), request.customer),
                raw=raw,
                tokens=len(generated),
                ms=elapsed,
                first_token_ms=first_token_ms,
                stopped=stopped,
                model=self.name,
                mean_logprob=logprob_sum / max(produced, 1),
            )

    def draft(self, request: DraftRequest, max_new_tokens: int | None = None) -> DraftResult:
        return self.stream(request, max_new_tokens=max_new_tokens)


def _log_probability(logits: np.ndarray, token: int) -> float:
    """log softmax(logits)[token]; 0 when nothing was left to choose from."""
    finite = logits[np.isfinite(logits)]
    if not finite.size or not np.isfinite(logits[token]):
        return 0.0
    top = float(finite.max())
    return float(logits[token]) - top - float(np.log(np.exp(finite - top).sum()))


def _repeating(tokens: list[int], n: int) -> list[int]:
    """Tokens that would complete an n-gram already present in ``tokens``."""
    if len(tokens) < n - 1:
        return []
    prefix = tuple(tokens[len(tokens) - (n - 1) :])
    return [tokens[i + n - 1] for i in range(len(tokens) - n + 1) if tuple(tokens[i : i + n - 1]) == prefix]
