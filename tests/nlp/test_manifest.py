"""The one manifest reader/writer: round trips, refuses malformed fields by name, reads the shipped folders."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from desktop_app.config import MODELS_DIR
from desktop_app.nlp.manifest import MANIFEST_FILE, Manifest, ManifestError, file_hashes, sha256_of
from desktop_app.nlp.model_folder import ModelFolderError, open_model_folder

SHIPPED = {"tagger": "ticket-tagging", "drafter": "reply-drafting", "retriever": "kb-ranking"}


def _folder_with_file(tmp_path: Path) -> Path:
    (tmp_path / "weights.bin").write_bytes(b"\x00\x01weights")
    return tmp_path


def test_write_then_load_round_trips(tmp_path: Path) -> None:
    folder = _folder_with_file(tmp_path)
    manifest = Manifest(
        name="toy",
        task="ticket-tagging",
        version="1.0",
        files=file_hashes(folder, ["weights.bin"]),
        sections={"labels": {"intent": ["logistics", "other"]}, "max_length": 64, "note": "中文说明"},
    )
    manifest.write(folder)
    again = Manifest.load(folder)
    assert again == manifest
    assert again.section("labels") == {"intent": ["logistics", "other"]}
    assert again.get("max_length") == 64
    assert "中文说明" in (folder / MANIFEST_FILE).read_text("utf-8")  # kept readable, not \\u-escaped
    assert again.dumps() == (folder / MANIFEST_FILE).read_text("utf-8")
    assert list(json.loads(again.dumps())) == ["name", "version", "task", "labels", "max_length", "note", "files"]


def test_manifest_is_frozen_and_hands_out_copies(tmp_path: Path) -> None:
    manifest = Manifest(name="toy", task="t", files={"a": "0" * 64}, sections={"flag": {"negative_threshold": 0.5}})
    with pytest.raises(dataclasses.FrozenInstanceError):
        manifest.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        manifest.files["b"] = "1" * 64  # type: ignore[index]
    manifest.section("flag")["negative_threshold"] = 0.9
    assert manifest.section("flag") == {"negative_threshold": 0.5}


def test_replace_keeps_the_file_order_and_appends_new_fields() -> None:
    data = {"task": "t", "name": "toy", "files": {}, "flag": {"negative_threshold": 0.5}}
    manifest = Manifest.from_json(data)
    changed = manifest.replace(version="2", metrics={"f1": 0.5}, flag=None)
    assert list(changed.to_json()) == ["task", "name", "files", "version", "metrics"]
    assert list(manifest.to_json()) == list(data)  # the original is untouched


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": None}, "'name' is missing"),
        ({"task": None}, "'task' is missing"),
        ({"files": None}, "'files' is missing"),
        ({"name": 7}, "'name' must be a non-empty string"),
        ({"task": ""}, "'task' must be a non-empty string"),
        ({"version": 2026}, "'version' must be a non-empty string"),
        ({"files": ["model.onnx"]}, "'files' must be an object"),
        ({"files": {"model.onnx": 5}}, "'files.model.onnx' must be a sha256 string"),
    ],
)
def test_a_missing_or_ill_typed_field_is_refused_by_name(change: dict[str, object], field: str) -> None:
    data: dict[str, object] = {"name": "toy", "version": "1", "task": "t", "files": {"model.onnx": "0" * 64}}
    data.update(change)
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(ManifestError, match=field):
        Manifest.from_json(data, "somewhere/manifest.json")


def test_a_section_that_is_not_an_object_is_refused_by_name() -> None:
    manifest = Manifest.from_json({"name": "toy", "task": "t", "files": {}, "prompt": "chat"})
    with pytest.raises(ManifestError, match="'prompt' must be an object"):
        manifest.section("prompt")


def test_load_refuses_missing_and_unreadable_manifests(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="has no manifest.json"):
        Manifest.load(tmp_path)
    (tmp_path / MANIFEST_FILE).write_text("{not json", "utf-8")
    with pytest.raises(ManifestError, match="not readable JSON"):
        Manifest.load(tmp_path)
    (tmp_path / MANIFEST_FILE).write_text("[]", "utf-8")
    with pytest.raises(ManifestError, match="is a JSON object"):
        Manifest.load(tmp_path)


def test_the_loader_refuses_a_malformed_manifest_with_the_field(tmp_path: Path) -> None:
    folder = _folder_with_file(tmp_path)
    (folder / MANIFEST_FILE).write_text(json.dumps({"task": "ticket-tagging", "files": {}}), "utf-8")
    with pytest.raises(ModelFolderError, match="'name' is missing"):
        open_model_folder(folder, task="ticket-tagging", required=())


def test_the_loader_refuses_a_corrupt_file_by_hash(tmp_path: Path) -> None:
    folder = _folder_with_file(tmp_path)
    Manifest(name="toy", task="ticket-tagging", files=file_hashes(folder, ["weights.bin"])).write(folder)
    assert open_model_folder(folder, task="ticket-tagging", required=("weights.bin",)).name == "toy"
    (folder / "weights.bin").write_bytes(b"tampered")
    with pytest.raises(ModelFolderError, match="corrupt or was changed"):
        open_model_folder(folder, task="ticket-tagging", required=("weights.bin",))


@pytest.mark.parametrize("kind", sorted(SHIPPED))
def test_shipped_manifests_load_unchanged_and_verify(kind: str) -> None:
    folder = MODELS_DIR / kind
    if not (folder / MANIFEST_FILE).is_file():
        pytest.skip(f"no model in {folder}")
    manifest = Manifest.load(folder)
    assert manifest.task == SHIPPED[kind]
    assert manifest.dumps() == (folder / MANIFEST_FILE).read_text("utf-8")  # byte-identical round trip
    assert all(sha256_of(folder / name) == digest for name, digest in manifest.files.items())
    assert open_model_folder(folder, task=SHIPPED[kind], required=tuple(manifest.files)).manifest == manifest
