from __future__ import annotations

import torch

from desktop_app.training.tagger.train import IGNORE, class_weights
from desktop_app.training.tagger.metrics import binary_accuracy, flag_metrics, flag_threshold_for_recall
from desktop_app.training.tagger.pretrain import PretrainSettings, mask_rate, mask_whole_words


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


def test_masking_takes_whole_words_and_never_special_tokens():
    generator = torch.Generator().manual_seed(0)
    ids = torch.tensor([[2, 10, 11, 12, 13, 3, 0, 0]] * 64)
    # tokens 10+11 form one word, 12+13 another; -1 marks [CLS]/[SEP]/[PAD]
    words = torch.tensor([[-1, 0, 0, 1, 1, -1, -1, -1]] * 64) + torch.arange(64).unsqueeze(1) * 2 * (
        torch.tensor([[0, 1, 1, 1, 1, 0, 0, 0]])
    )
    corrupted, targets = mask_whole_words(ids, words, mask_id=4, vocab_size=50, p=0.5, gen=generator)
    special = words < 0
    assert not targets[special].any()
    assert torch.equal(corrupted[special], ids[special])
    assert torch.equal(targets[:, 1], targets[:, 2]) and torch.equal(targets[:, 3], targets[:, 4])
    assert 0.3 < targets[~special].float().mean() < 0.7
    assert (corrupted[targets] == 4).float().mean() > 0.6  # mostly [MASK], as BERT does


def test_mask_rate_decays_from_30_to_15_percent():
    settings = PretrainSettings()
    assert mask_rate(settings, 0, 100) == 0.30
    assert abs(mask_rate(settings, 100, 100) - 0.15) < 1e-9
    assert 0.15 < mask_rate(settings, 50, 100) < 0.30


def test_rare_classes_weigh_more():
    weights = class_weights([0] * 100 + [1] * 4 + [IGNORE] * 50, 3)
    assert weights[1] > weights[0]
    assert weights[2] > weights[1]  # an unseen class gets the largest weight
