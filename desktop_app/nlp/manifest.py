"""``manifest.json``, the one description of a model folder, written and read here only.

Every folder under ``models/`` (tagger, drafter, retriever) and every folder training or
``aftersales drafter adopt`` produces carries one: ``name``, ``task``, optional ``version``,
``files`` (relative path → sha256, which the loader checks before anything is loaded) and
the task's own sections (``labels``, ``flag``, ``prompt``, ``lexical``, ``metrics`` …),
kept in file order so that reading and writing a manifest gives back the same bytes.

Like fastembed's model descriptions: one typed record, one reader, so a malformed manifest
is refused with the field it lacks instead of a ``KeyError`` deep inside a loader.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

MANIFEST_FILE = "manifest.json"
CHUNK = 1 << 20
CORE_FIELDS = ("name", "version", "task", "files")


class ManifestError(ValueError):
    """The manifest is missing, not JSON, or a field is absent or of the wrong type (named)."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_hashes(folder: Path, names: Iterable[str]) -> dict[str, str]:
    return {name: sha256_of(Path(folder) / name) for name in sorted(names)}


def _string(data: Mapping[str, Any], key: str, where: str, required: bool) -> str | None:
    if key not in data:
        if required:
            raise ManifestError(f"{where}: field {key!r} is missing")
        return None
    value = data[key]
    if not isinstance(value, str) or (required and not value):
        raise ManifestError(f"{where}: field {key!r} must be a non-empty string, not {value!r}")
    return value


def _files(data: Mapping[str, Any], where: str) -> Mapping[str, str]:
    if "files" not in data:
        raise ManifestError(f"{where}: field 'files' is missing (it lists every file with its sha256)")
    files = data["files"]
    if not isinstance(files, dict):
        raise ManifestError(f"{where}: field 'files' must be an object of file → sha256, not {files!r}")
    for name, digest in files.items():
        if not isinstance(digest, str):
            raise ManifestError(f"{where}: field 'files.{name}' must be a sha256 string, not {digest!r}")
    return MappingProxyType(dict(files))


@dataclass(frozen=True)
class Manifest:
    """A model folder's manifest. ``sections`` holds every other top-level field as JSON values
    (copies: changing them never changes the file; build a new manifest with :meth:`replace`)."""

    name: str
    task: str
    files: Mapping[str, str]
    version: str | None = None
    sections: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # Top-level key order as read, so that a round trip is byte-identical; new keys go last.
    key_order: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "files", MappingProxyType(dict(self.files)))
        clashing = set(self.sections) & set(CORE_FIELDS)
        if clashing:
            raise ManifestError(f"sections may not hold the core fields {sorted(clashing)}")
        object.__setattr__(self, "sections", MappingProxyType(copy.deepcopy(dict(self.sections))))

    # -- reading ---------------------------------------------------------------------
    @classmethod
    def from_json(cls, data: object, where: str | Path = MANIFEST_FILE) -> Manifest:
        """Validate a decoded manifest; ManifestError names the field that is missing or ill-typed."""
        where = str(where)
        if not isinstance(data, dict):
            raise ManifestError(f"{where}: a manifest is a JSON object, not {type(data).__name__}")
        name = _string(data, "name", where, required=True)
        task = _string(data, "task", where, required=True)
        assert name is not None and task is not None
        return cls(
            name=name,
            task=task,
            files=_files(data, where),
            version=_string(data, "version", where, required=False),
            sections={k: v for k, v in data.items() if k not in CORE_FIELDS},
            key_order=tuple(data),
        )

    @classmethod
    def load(cls, folder: Path | str) -> Manifest:
        """``folder/manifest.json``; ManifestError when it is absent, not JSON or malformed."""
        path = Path(folder) / MANIFEST_FILE
        if not path.is_file():
            raise ManifestError(f"{Path(folder)} has no {MANIFEST_FILE}")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ManifestError(f"{path} is not readable JSON: {exc}") from exc
        return cls.from_json(data, path)

    def section(self, key: str) -> dict[str, Any]:
        """An object-valued section (a copy); ``{}`` when absent, ManifestError when not an object."""
        value = self.sections.get(key, {})
        if not isinstance(value, dict):
            raise ManifestError(f"{MANIFEST_FILE}: field {key!r} must be an object, not {value!r}")
        return copy.deepcopy(value)

    def get(self, key: str, default: Any = None) -> Any:
        """A section's value as JSON (a copy), ``default`` when absent."""
        return copy.deepcopy(self.sections[key]) if key in self.sections else default

    @property
    def label(self) -> str:
        """``name version`` for banners and reports."""
        return f"{self.name} {self.version or ''}".strip()

    # -- writing ---------------------------------------------------------------------
    def replace(self, **changes: Any) -> Manifest:
        """A copy with core fields and/or sections changed (a section set to None is dropped)."""
        core = {k: changes.pop(k) for k in CORE_FIELDS if k in changes}
        sections = {**self.sections, **changes}
        sections = {k: v for k, v in sections.items() if v is not None}
        return Manifest(
            name=core.get("name", self.name),
            task=core.get("task", self.task),
            files=core.get("files", self.files),
            version=core.get("version", self.version),
            sections=sections,
            key_order=self.key_order,
        )

    def rehashed(self, folder: Path | str, names: Iterable[str]) -> Manifest:
        """The same manifest with ``files`` the sha256 of ``names`` in ``folder`` now."""
        return self.replace(files=file_hashes(Path(folder), names))

    def to_json(self) -> dict[str, Any]:
        values: dict[str, Any] = {"name": self.name, "task": self.task, **copy.deepcopy(dict(self.sections))}
        if self.version is not None:
            values["version"] = self.version
        values["files"] = dict(self.files)
        default_order = ("name", "version", "task", *self.sections, "files")
        order = [k for k in self.key_order if k in values]
        order += [k for k in default_order if k in values and k not in order]
        return {k: values[k] for k in order}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2)

    def write(self, folder: Path | str) -> Path:
        """Write ``folder/manifest.json`` (UTF-8, indented, Chinese kept readable)."""
        path = Path(folder) / MANIFEST_FILE
        path.write_text(self.dumps(), encoding="utf-8")
        return path
