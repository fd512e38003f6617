"""MLM pretraining: packed windows with jieba word ids, and a run that resumes from its checkpoint."""

from __future__ import annotations

import torch

from desktop_app.training.common.tokenizer import build_tokenizer
from desktop_app.training.tagger.model import TOY_SIZE
from desktop_app.training.tagger.pretrain import PretrainSettings, pack, pretrain

TEXTS = ["快递怎么还没到，等了一个星期", "我要退货退款", "发票抬头开错了", "客服态度很好"] * 30


def test_pack_fills_windows_and_keeps_word_ids_aligned() -> None:
    tokenizer = build_tokenizer(TEXTS, vocab_size=300)
    packed = pack(tokenizer, TEXTS, length=16)
    assert packed.ids.shape == packed.words.shape and packed.ids.shape[1] == 16
    assert (packed.ids[:, 0] == tokenizer.token_to_id("[CLS]")).all()
    assert (packed.words[:, 0] == -1).all()
    sep = tokenizer.token_to_id("[SEP]")
    assert (packed.words[packed.ids == sep] == -1).all()
    # 「快递」 is one jieba word: its two characters share a word id
    kuai, di = tokenizer.token_to_id("快"), tokenizer.token_to_id("递")
    row, col = (packed.ids == kuai).nonzero()[0].tolist()
    if col + 1 < 16 and packed.ids[row, col + 1] == di:
        assert packed.words[row, col] == packed.words[row, col + 1]


def test_a_killed_run_resumes_from_its_checkpoint(tmp_path) -> None:
    tokenizer = build_tokenizer(TEXTS, vocab_size=300)
    settings = PretrainSettings(steps=6, batch_tokens=256, checkpoint_every=3, bf16=False)
    checkpoint = tmp_path / "ckpt.pt"
    full = pretrain(tokenizer, TEXTS, TOY_SIZE, settings, checkpoint=checkpoint)
    state = torch.load(checkpoint, weights_only=False)
    assert state["step"] == 6
    messages: list[str] = []
    again = pretrain(tokenizer, TEXTS, TOY_SIZE, settings, on_progress=messages.append, checkpoint=checkpoint)
    assert any("resuming pretraining" in m and "step 6/6" in m for m in messages)
    for a, b in zip(full.state_dict().values(), again.state_dict().values(), strict=True):
        assert torch.equal(a, b)


def test_a_run_continues_with_a_longer_schedule(tmp_path) -> None:
    tokenizer = build_tokenizer(TEXTS, vocab_size=300)
    checkpoint = tmp_path / "ckpt.pt"
    pretrain(tokenizer, TEXTS, TOY_SIZE, PretrainSettings(steps=4, batch_tokens=256, bf16=False), checkpoint=checkpoint)
    messages: list[str] = []
    longer = PretrainSettings(steps=7, batch_tokens=256, bf16=False)
    pretrain(tokenizer, TEXTS, TOY_SIZE, longer, on_progress=messages.append, checkpoint=checkpoint)
    assert any("resuming pretraining" in m and "step 4/7" in m for m in messages)
    assert torch.load(checkpoint, weights_only=False)["step"] == 7
