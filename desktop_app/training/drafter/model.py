"""The reply generator's tokenizer and decoder: a byte-level BPE and a small Qwen2.

Qwen2 because onnxruntime-genai's model builder exports it (GQA, rotary embeddings, KV
cache) and a deploying company can swap in a real Qwen the same way. Byte-level BPE so
that no character is ever unknown; the prompt markers and corpus placeholders are whole
special tokens.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import Qwen2Config, Qwen2ForCausalLM

from desktop_app.nlp.drafting.prompt import EOS, PAD, PROMPT_TOKENS
from desktop_app.nlp.text import PLACEHOLDER_TOKENS

SPECIAL_TOKENS = [*PROMPT_TOKENS, *PLACEHOLDER_TOKENS]


@dataclass(frozen=True)
class DecoderSize:
    # Sized by the training budget (about an hour on two cores for both stages).
    layers: int = 4
    hidden: int = 256
    heads: int = 4
    kv_heads: int = 2
    intermediate: int = 768
    max_positions: int = 512
    vocab_size: int = 8000


TOY_DECODER = DecoderSize(layers=2, hidden=64, heads=2, kv_heads=1, intermediate=128, max_positions=256, vocab_size=600)


def build_tokenizer(texts: Iterable[str], vocab_size: int) -> Tokenizer:
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    return tokenizer


def tokenizer_config(max_length: int) -> dict[str, object]:
    """``tokenizer_config.json`` as transformers and onnxruntime-genai's tokenizer read it."""
    return {
        "tokenizer_class": "Qwen2Tokenizer",
        "bos_token": None,
        "eos_token": EOS,
        "pad_token": PAD,
        "unk_token": None,
        "model_max_length": max_length,
        "add_prefix_space": False,
        "clean_up_tokenization_spaces": False,
        "errors": "replace",
    }


def build_decoder(size: DecoderSize, tokenizer: Tokenizer) -> Qwen2ForCausalLM:
    # rope_theta goes through PreTrainedConfig's **kwargs (legacy rope settings), hidden by its typed fields.
    config = Qwen2Config(  # type: ignore[call-arg]
        vocab_size=tokenizer.get_vocab_size(),
        hidden_size=size.hidden,
        intermediate_size=size.intermediate,
        num_hidden_layers=size.layers,
        num_attention_heads=size.heads,
        num_key_value_heads=size.kv_heads,
        max_position_embeddings=size.max_positions,
        tie_word_embeddings=True,
        rope_theta=10000.0,
        bos_token_id=tokenizer.token_to_id(EOS),
        eos_token_id=tokenizer.token_to_id(EOS),
        pad_token_id=tokenizer.token_to_id(PAD),
        use_sliding_window=False,
    )
    return Qwen2ForCausalLM(config)


def save_hf_folder(model: Qwen2ForCausalLM, tokenizer: Tokenizer, folder: Path, size: DecoderSize) -> None:
    """A transformers folder (weights, config, tokenizer): the model builder's input."""
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save(str(folder / "tokenizer.json"))
    (folder / "tokenizer_config.json").write_text(
        json.dumps(tokenizer_config(size.max_positions), ensure_ascii=False, indent=2), "utf-8"
    )
    (folder / "decoder_size.json").write_text(json.dumps(asdict(size)), "utf-8")


def load_hf_decoder(folder: Path) -> Qwen2ForCausalLM:
    """A decoder saved by :func:`save_hf_folder` (to resume from a finished stage)."""
    return Qwen2ForCausalLM.from_pretrained(folder)
