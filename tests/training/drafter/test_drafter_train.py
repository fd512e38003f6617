"""The decoder training loop: a killed run resumes from its checkpoint; the dev loss picks the weights."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="training needs the [train] extras")

from desktop_app.training.drafter import train as train_module  # noqa: E402
from desktop_app.training.drafter.model import TOY_DECODER, build_decoder, build_tokenizer  # noqa: E402
from desktop_app.training.drafter.train import DrafterTrainSettings, Sequence_, train_decoder  # noqa: E402

TEXTS = ["快递一个星期还没到", "请帮我开发票", "东西坏了能换吗", "退款什么时候到账", "谢谢客服"] * 8


class Crash(RuntimeError):
    pass


@pytest.fixture()
def setup():  # type: ignore[no-untyped-def]
    tokenizer = build_tokenizer(TEXTS, 300)
    sequences = []
    for text in TEXTS:
        ids = tokenizer.encode(text, add_special_tokens=False).ids
        sequences.append(Sequence_(ids, [0.0] + [1.0] * (len(ids) - 1)))
    return tokenizer, sequences


def test_a_killed_run_resumes_at_its_checkpoint(setup, tmp_path: Path, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    tokenizer, sequences = setup
    settings = DrafterTrainSettings(epochs=6.0, batch_tokens=64, max_length=32)
    checkpoint = tmp_path / "checkpoint.pt"
    monkeypatch.setattr(train_module, "CHECKPOINT_EVERY", 3)
    real_loss, calls = train_module.weighted_loss, {"n": 0}

    def crashing_loss(*args):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 8:
            raise Crash("killed")
        return real_loss(*args)

    monkeypatch.setattr(train_module, "weighted_loss", crashing_loss)
    with pytest.raises(Crash):
        train_decoder(build_decoder(TOY_DECODER, tokenizer), sequences, 0, settings, checkpoint=checkpoint)
    assert torch.load(checkpoint, weights_only=False)["step"] == 6  # the last save before the crash

    monkeypatch.setattr(train_module, "weighted_loss", real_loss)
    with caplog.at_level(logging.INFO, logger=train_module.__name__):
        stats = train_decoder(build_decoder(TOY_DECODER, tokenizer), sequences, 0, settings, checkpoint=checkpoint)
    assert "resuming from" in caplog.text and "at step 6 of" in caplog.text
    full = train_decoder(build_decoder(TOY_DECODER, tokenizer), sequences, 0, settings)
    assert stats["steps"] == full["steps"] > 6  # the resumed run ends where an unbroken one does


def test_a_checkpoint_of_other_settings_is_ignored(setup, tmp_path: Path, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    tokenizer, sequences = setup
    checkpoint = tmp_path / "checkpoint.pt"
    monkeypatch.setattr(train_module, "CHECKPOINT_EVERY", 2)
    settings = DrafterTrainSettings(epochs=1.0, batch_tokens=64, max_length=32)
    train_decoder(build_decoder(TOY_DECODER, tokenizer), sequences, 0, settings, checkpoint=checkpoint)
    with caplog.at_level(logging.WARNING, logger=train_module.__name__):
        other = DrafterTrainSettings(epochs=1.0, batch_tokens=64, max_length=32, learning_rate=5e-4)
        stats = train_decoder(build_decoder(TOY_DECODER, tokenizer), sequences, 0, other, checkpoint=checkpoint)
    assert "ignoring" in caplog.text and stats["steps"] > 0


def test_the_weights_with_the_lowest_dev_loss_are_kept(setup) -> None:  # type: ignore[no-untyped-def]
    tokenizer, sequences = setup
    settings = DrafterTrainSettings(epochs=4.0, batch_tokens=64, max_length=32, evaluate_every=2)
    model = build_decoder(TOY_DECODER, tokenizer)
    stats = train_decoder(model, sequences, 0, settings, dev=sequences[:5])
    assert stats["dev_loss"] == pytest.approx(min(value for _, value in stats["dev_history"]), abs=1e-4)
    assert len(stats["dev_history"]) > 2
    assert train_module.dev_loss(model, sequences[:5], 0, 64) == pytest.approx(stats["dev_loss"], abs=1e-4)


def test_training_stops_when_the_dev_loss_has_not_improved_for_patience_checks(setup, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    tokenizer, sequences = setup
    losses = iter([3.0, 2.5, 2.6, 2.7, 2.8, 2.9, 3.0, 3.1, 3.2, 3.3])
    monkeypatch.setattr(train_module, "dev_loss", lambda *args: next(losses))
    settings = DrafterTrainSettings(epochs=20.0, batch_tokens=64, max_length=32, evaluate_every=2, patience=2)
    stats = train_decoder(build_decoder(TOY_DECODER, tokenizer), sequences, 0, settings, dev=sequences[:5])
    assert stats["best_step"] == 4 and stats["dev_loss"] == 2.5
    assert stats["steps"] == 8  # checks at 6 and 8 were no better than step 4's
    assert [step for step, _ in stats["dev_history"]] == [2, 4, 6, 8]
