"""The special-token lookup the training code pads and masks with."""

from __future__ import annotations

import pytest

from desktop_app.training.common.tokenizer import build_tokenizer, special_id

TEXTS = ["退款什么时候到账", "快递还没到，请帮我查一下", "发票怎么开"] * 5


def test_special_id_is_the_tokens_id() -> None:
    tokenizer = build_tokenizer(TEXTS, vocab_size=200, min_frequency=1)
    assert special_id(tokenizer, "[PAD]") == tokenizer.token_to_id("[PAD]")
    assert special_id(tokenizer, "[MASK]") == tokenizer.token_to_id("[MASK]")


def test_special_id_refuses_a_vocabulary_without_the_token() -> None:
    tokenizer = build_tokenizer(TEXTS, vocab_size=200, min_frequency=1)
    with pytest.raises(ValueError, match=r"no <\|im_end\|> token"):
        special_id(tokenizer, "<|im_end|>")
