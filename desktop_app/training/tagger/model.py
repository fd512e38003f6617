"""The small BERT encoder shared by pretraining and fine-tuning, and the tagger on top."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from transformers import BertConfig, BertModel


@dataclass(frozen=True)
class EncoderSize:
    layers: int = 4
    hidden: int = 256
    heads: int = 4
    intermediate: int = 1024
    max_length: int = 128

    def config(self, vocab_size: int, pad_id: int) -> BertConfig:
        # attn_implementation goes through PreTrainedConfig's **kwargs, which its typed fields hide.
        return BertConfig(  # type: ignore[call-arg]
            vocab_size=vocab_size,
            hidden_size=self.hidden,
            num_hidden_layers=self.layers,
            num_attention_heads=self.heads,
            intermediate_size=self.intermediate,
            max_position_embeddings=self.max_length,
            type_vocab_size=1,
            pad_token_id=pad_id,
            attn_implementation="eager",  # exports to plain ops that onnxruntime fuses into Attention
        )

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


TOY_SIZE = EncoderSize(layers=1, hidden=32, heads=2, intermediate=64, max_length=64)


class TicketTaggerModel(nn.Module):
    """One encoder, two heads: a single forward pass gives intent and sentiment logits."""

    def __init__(self, config: BertConfig, n_intents: int, n_sentiments: int = 3, dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.dropout = nn.Dropout(dropout)
        self.intent_head = nn.Linear(config.hidden_size, n_intents)
        self.sentiment_head = nn.Linear(config.hidden_size, n_sentiments)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        # Mean over real tokens: steadier than [CLS] for a small model trained briefly.
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        pooled = self.dropout(pooled)
        return self.intent_head(pooled), self.sentiment_head(pooled)
