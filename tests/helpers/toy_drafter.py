"""Toy reply-drafter folders built with the real pipeline: tokenizer, decoder, model builder, manifest.

``build_toy_drafter`` makes a randomly initialised 2-layer Qwen2 with this project's prompt
tokens. Two rows of its (tied) embedding are scaled up so that greedy decoding is pulled
towards ``[NUM]`` and ``[ORDER]``: the drafter must ban the first and fill the second.

``build_foreign_drafter`` makes a model of another architecture (Llama) and another
vocabulary, declared with the ``chat`` prompt format: the drop-in path of the issue.
"""

from __future__ import annotations

from pathlib import Path

TEXTS = [
    "您好，请问有什么可以帮您？",
    "亲，麻烦提供一下订单号，这边为您查询物流。",
    "退款审核通过后会原路返回，请您耐心等待。",
    "非常抱歉给您带来不便，这边为您申请换货。",
    "我的快递到哪了？三天了还没到。",
    "发票可以在订单详情页下载哦。",
] * 20
CHAT_TEMPLATE = (
    "{% for message in messages %}<|{{ message['role'] }}|>{{ message['content'] }}<|end|>{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


def build_toy_drafter(folder: Path, pull: float = 60.0) -> Path:
    import torch

    from desktop_app.nlp.text import NUM, ORDER
    from desktop_app.training.drafter.export import finalise, run_builder
    from desktop_app.training.drafter.model import TOY_DECODER, build_decoder, build_tokenizer, save_hf_folder

    torch.manual_seed(0)
    tokenizer = build_tokenizer(TEXTS, TOY_DECODER.vocab_size)
    model = build_decoder(TOY_DECODER, tokenizer)
    with torch.no_grad():
        embeddings = model.get_input_embeddings().weight
        # A hidden state aligned with the all-ones direction then prefers these two tokens.
        embeddings[tokenizer.token_to_id(NUM)] = pull
        embeddings[tokenizer.token_to_id(ORDER)] = pull * 0.9
    hf = folder.parent / f"{folder.name}-hf"
    save_hf_folder(model, tokenizer, hf, TOY_DECODER)
    run_builder(hf, folder, precision="fp32")
    finalise(
        folder,
        {
            "name": "toy-drafter",
            "architecture": {"type": "qwen2", "layers": TOY_DECODER.layers, "hidden": TOY_DECODER.hidden},
            "precision": "fp32",
            "training": {"toy": True},
        },
    )
    return folder


def build_foreign_drafter(folder: Path) -> Path:
    """A Llama with its own byte-level BPE (no project tokens) and a chat template."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM

    from desktop_app.training.drafter.export import finalise, run_builder

    torch.manual_seed(1)
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    specials = ["<unk>", "<s>", "</s>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"]
    trainer = trainers.BpeTrainer(
        vocab_size=420,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(TEXTS, trainer=trainer)
    config = LlamaConfig(
        vocab_size=tokenizer.get_vocab_size(),
        hidden_size=96,
        intermediate_size=192,
        num_hidden_layers=2,
        num_attention_heads=3,
        num_key_value_heads=3,
        max_position_embeddings=384,
        bos_token_id=tokenizer.token_to_id("<s>"),
        eos_token_id=tokenizer.token_to_id("</s>"),
        tie_word_embeddings=False,
    )
    model = LlamaForCausalLM(config)
    hf = folder.parent / f"{folder.name}-hf"
    hf.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(hf)
    tokenizer.save(str(hf / "tokenizer.json"))
    import json

    (hf / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "tokenizer_class": "LlamaTokenizerFast",
                "bos_token": "<s>",
                "eos_token": "</s>",
                "unk_token": "<unk>",
                "chat_template": CHAT_TEMPLATE,
                "model_max_length": 384,
            }
        ),
        "utf-8",
    )
    run_builder(hf, folder, precision="int4")
    finalise(
        folder,
        {
            "name": "foreign-llama",
            "architecture": {"type": "llama", "layers": 2, "hidden": 96},
            "precision": "int4",
            "training": {"toy": True},
            "prompt_format": "chat",
        },
    )
    return folder
