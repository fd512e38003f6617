"""ReplyDrafter over onnxruntime-genai, on toy folders built by the real builder (needs torch)."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

from desktop_app.nlp.drafting.fill import contains_placeholder
from desktop_app.nlp.drafting.prompt import DraftRequest, Turn
from desktop_app.nlp.drafting.drafter import ReplyDrafter
from desktop_app.nlp.model_folder import ModelFolderError, sha256_of

ORDER = "JD20240501123"


def test_placeholders_are_banned_and_the_order_number_is_filled_once(toy_drafter: ReplyDrafter) -> None:
    # The toy model's embeddings pull greedy decoding towards [NUM] and [ORDER].
    result = toy_drafter.draft(DraftRequest(text="我的快递到哪了", order_id=ORDER))
    assert not contains_placeholder(result.raw)
    assert result.raw.count(ORDER) == 1
    assert result.tokens > 1


def test_without_an_order_number_none_is_written(toy_drafter: ReplyDrafter) -> None:
    result = toy_drafter.draft(DraftRequest(text="我的快递到哪了"))
    assert not contains_placeholder(result.raw)
    assert ORDER not in result.raw and "[ORDER]" not in result.raw


def test_streamed_pieces_make_up_the_raw_draft(toy_drafter: ReplyDrafter) -> None:
    pieces: list[str] = []
    result = toy_drafter.stream(DraftRequest(text="退款多久到账", order_id=ORDER), on_token=pieces.append)
    assert "".join(pieces) == result.raw
    assert result.first_token_ms is not None and result.first_token_ms <= result.ms


def test_cancel_before_and_during_generation(toy_drafter: ReplyDrafter) -> None:
    cancel = threading.Event()
    cancel.set()
    result = toy_drafter.stream(DraftRequest(text="你好"), cancel=cancel)
    assert result.stopped and result.tokens == 0

    cancel = threading.Event()
    seen: list[str] = []

    def stop_after_three(piece: str) -> None:
        seen.append(piece)
        if len(seen) == 3:
            cancel.set()

    result = toy_drafter.stream(DraftRequest(text="你好", order_id=ORDER), cancel=cancel, on_token=stop_after_three)
    # Byte pieces of one character decode to nothing until it is complete: count pieces, not tokens.
    assert result.stopped and len(seen) == 3 and result.tokens < toy_drafter.max_new_tokens


def test_concurrent_requests_run_one_after_another(toy_drafter: ReplyDrafter) -> None:
    events: list[tuple[str, str]] = []
    lock = threading.Lock()

    def run(name: str) -> None:
        def record(piece: str) -> None:
            with lock:
                events.append((name, piece))

        toy_drafter.stream(DraftRequest(text=f"{name}的问题", order_id=ORDER), on_token=record)

    threads = [threading.Thread(target=run, args=(name,)) for name in ("甲", "乙", "丙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    order = [name for name, _piece in events]
    # Each request's pieces are contiguous: the lock never lets two generations interleave.
    changes = sum(1 for a, b in zip(order, order[1:], strict=False) if a != b)
    assert changes == 2 and set(order) == {"甲", "乙", "丙"}


def test_max_new_tokens_bounds_the_draft(toy_drafter: ReplyDrafter) -> None:
    assert toy_drafter.draft(DraftRequest(text="你好"), max_new_tokens=5).tokens <= 5


def test_customer_is_addressed_in_the_final_text(toy_drafter: ReplyDrafter) -> None:
    result = toy_drafter.draft(DraftRequest(text="你好", customer="王女士"))
    assert result.text.startswith("王女士您好")


def test_a_changed_weight_file_is_refused_by_hash(toy_drafter_dir: Path, tmp_path: Path) -> None:
    folder = Path(shutil.copytree(toy_drafter_dir, tmp_path / "drafter"))
    weights = next(p for p in folder.iterdir() if p.name.endswith(".data") or p.name == "model.onnx")
    data = bytearray(weights.read_bytes())
    data[-10] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelFolderError, match="corrupt or was changed"):
        ReplyDrafter.load(folder)


def test_unknown_prompt_format_is_refused(toy_drafter_dir: Path, tmp_path: Path) -> None:
    folder = Path(shutil.copytree(toy_drafter_dir, tmp_path / "drafter"))
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    manifest["prompt"]["format"] = "alpaca"
    (folder / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(ModelFolderError, match="unknown prompt format"):
        ReplyDrafter.load(folder)


def test_manifest_lists_every_file_with_its_hash(toy_drafter_dir: Path) -> None:
    manifest = json.loads((toy_drafter_dir / "manifest.json").read_text("utf-8"))
    on_disk = {p.name for p in toy_drafter_dir.iterdir() if p.name != "manifest.json"}
    assert set(manifest["files"]) == on_disk
    assert all(manifest["files"][name] == sha256_of(toy_drafter_dir / name) for name in on_disk)
    assert {"genai_config.json", "tokenizer.json", "README.md"} <= on_disk
    assert manifest["task"] == "reply-drafting" and manifest["prompt"]["format"] == "aftersales-v1"


def test_a_different_architecture_and_vocabulary_drops_in(foreign_drafter_dir: Path) -> None:
    """A Llama with its own tokenizer and a chat template, exported by the builder, drafts through
    the same ReplyDrafter code path: the drop-in promise of the model folder contract."""
    drafter = ReplyDrafter.load(foreign_drafter_dir, threads=1)
    assert drafter.format == "chat"
    config = json.loads((foreign_drafter_dir / "genai_config.json").read_text("utf-8"))
    assert config["model"]["type"] == "llama"
    request = DraftRequest(
        text="发票怎么开", history=(Turn("agent", "您好"),), intent="invoice", kb_texts=("电子发票在订单详情页下载",)
    )
    prompt = drafter.tokenizer.decode(drafter.prompt_ids(request))
    assert "电子发票在订单详情页下载" in prompt and "发票怎么开" in prompt
    pieces: list[str] = []
    result = drafter.stream(request, on_token=pieces.append, max_new_tokens=12)
    assert 0 < result.tokens <= 12 and "".join(pieces) == result.raw and not result.stopped


def test_the_process_drafter_streams_cancels_and_reports_a_bad_folder(toy_drafter_dir: Path, tmp_path: Path) -> None:
    from desktop_app.nlp.drafting.process import ProcessDrafter

    drafter = ProcessDrafter.load(toy_drafter_dir, threads=1)
    try:
        pieces: list[str] = []
        result = drafter.stream(DraftRequest(text="快递到哪了", order_id=ORDER), on_token=pieces.append)
        assert "".join(pieces) == result.raw and result.raw.count(ORDER) == 1 and not result.stopped
        cancel = threading.Event()
        cancel.set()
        assert drafter.stream(DraftRequest(text="你好"), cancel=cancel).stopped
        assert drafter.draft(DraftRequest(text="你好"), max_new_tokens=3).tokens <= 3  # still serving
    finally:
        drafter.close()
    with pytest.raises(ModelFolderError, match="does not exist"):
        ProcessDrafter.load(tmp_path / "missing")


def test_a_token_choice_with_everything_banned_ends_the_draft(toy_drafter: ReplyDrafter) -> None:
    import numpy as np

    banned = np.full(toy_drafter.vocab_size, -np.inf, dtype=np.float32)
    end = min(toy_drafter._eos)
    assert toy_drafter._choose(banned, None) == end
    assert toy_drafter._choose(banned, np.random.default_rng(3)) == end  # sampling raised on NaN before
