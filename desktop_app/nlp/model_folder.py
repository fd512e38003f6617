"""The model folder contract of DESIGN.md: ``manifest.json`` names every file with its
sha256, and a folder whose files do not match is refused before anything is loaded.

A tagger folder holds ``model.onnx`` (inputs ``input_ids`` and ``attention_mask``, int64
``[batch, sequence]``; outputs ``intent_logits`` and ``sentiment_logits``, float
``[batch, labels]``), ``tokenizer.json`` (HF tokenizers, adds ``[CLS]``/``[SEP]``) and
``manifest.json``: name, version, task, ``labels`` per output in output order,
``inputs``, ``max_length``, ``text_cleaning``, ``flag`` settings, training data, metrics
and ``files`` (relative path → sha256).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_app.nlp.manifest import MANIFEST_FILE, Manifest, ManifestError, file_hashes, sha256_of

MANIFEST = MANIFEST_FILE
__all__ = ["MANIFEST", "Manifest", "ModelFolder", "ModelFolderError", "file_hashes", "open_model_folder", "sha256_of"]


class ModelFolderError(Exception):
    """The folder cannot be used; the message says why, for a banner or a log line."""


@dataclass(frozen=True)
class ModelFolder:
    path: Path
    manifest: Manifest

    @property
    def name(self) -> str:
        return self.manifest.label

    def file(self, name: str) -> Path:
        return self.path / name


def open_model_folder(path: Path, task: str, required: tuple[str, ...]) -> ModelFolder:
    """Read and verify a model folder; raise ModelFolderError with a reason a person can act on."""
    path = Path(path)
    manifest_path = path / MANIFEST
    if not path.is_dir():
        raise ModelFolderError(f"model folder {path} does not exist")
    try:
        manifest = Manifest.load(path)
    except ManifestError as exc:
        raise ModelFolderError(str(exc)) from exc
    if manifest.task != task:
        raise ModelFolderError(f"{path} holds a {manifest.task!r} model, not {task!r}")
    files = manifest.files
    if not files:
        raise ModelFolderError(f"{manifest_path} lists no files with their sha256")
    for name in required:
        if name not in files:
            raise ModelFolderError(f"{manifest_path} does not list {name}")
    for name, expected in files.items():
        file_path = path / name
        if not file_path.is_file():
            raise ModelFolderError(f"{file_path} is missing")
        actual = sha256_of(file_path)
        if actual != expected:
            raise ModelFolderError(
                f"{file_path} is corrupt or was changed: sha256 {actual[:12]}… does not match the manifest's "
                f"{str(expected)[:12]}…; reinstall or retrain the model"
            )
    return ModelFolder(path, manifest)
