from __future__ import annotations

import torch

from desktop_app.training.tagger.train import IGNORE, class_weights
from desktop_app.training.tagger.metrics import binary_accuracy, flag_metrics, flag_threshold_for_recall
from desktop_app.training.tagger.pretrain import mask_tokens


def test_threshold_reaches_the_recall_target_and_no_more():
    gold = [True] * 20 + [False] * 80
    scores = [0.9 - i * 0.01 for i in range(20)] + [0.05 * (i % 10) for i in range(80)]
    threshold = flag_threshold_for_recall(gold, scores, 0.95)
    caught = sum(s >= threshold for s, g in zip(scores, gold, strict=True) if g)
    assert caught == 19  # 95 % of 20, and the threshold is as high as that allows
    assert threshold == scores[18]
    metrics = flag_metrics(gold, scores, [False] * 100, threshold)
    assert metrics["negative_recall"] == 0.95


def test_complaints_are_flagged_whatever_the_score():
    metrics = flag_metrics([True, False], [0.0, 0.0], [True, False], threshold=0.5)
    assert metrics["negative_recall"] == 1.0 and metrics["flagged"] == 1


def test_binary_accuracy_compares_positive_with_negative_only():
    result = binary_accuracy([True, False, True], [0.4, 0.1, 0.2], [0.3, 0.5, 0.3])
    assert result == {"n": 3, "accuracy": round(2 / 3, 4)}


def test_masking_never_touches_special_tokens():
    generator = torch.Generator().manual_seed(0)
    ids = torch.tensor([[2, 10, 11, 12, 13, 3, 0, 0]] * 64)
    special = torch.isin(ids, torch.tensor([0, 2, 3]))
    corrupted, targets = mask_tokens(ids, special, mask_id=4, vocab_size=50, p=0.5, gen=generator)
    assert not targets[special].any()
    assert torch.equal(corrupted[special], ids[special])
    assert 0.35 < targets[~special].float().mean() < 0.65
    assert (corrupted[targets] == 4).float().mean() > 0.6  # mostly [MASK], as BERT does


def test_rare_classes_weigh_more():
    weights = class_weights([0] * 100 + [1] * 4 + [IGNORE] * 50, 3)
    assert weights[1] > weights[0]
    assert weights[2] > weights[1]  # an unseen class gets the largest weight
