"""onnxruntime-genai's model builder → ``models/drafter``: genai_config, tokenizer, manifest, card.

The builder is run as a subprocess exactly as a deploying company would run it on a Qwen
or Llama, so the shipped model and a swapped-in one share one path. The manifest carries
the sha256 of every file; the app refuses the folder if any differs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from desktop_app.nlp.drafting.folder import write_manifest
from desktop_app.nlp.manifest import Manifest


class BuilderError(RuntimeError):
    pass


def run_builder(hf_folder: Path, out: Path, precision: str = "int8", cache: Path | None = None) -> list[str]:
    """``python -m onnxruntime_genai.models.builder`` for the CPU; returns the files it wrote."""
    if out.exists():
        shutil.rmtree(out)
    cache = cache or out.parent / f"{out.name}-builder-cache"
    command = [
        sys.executable,
        "-m",
        "onnxruntime_genai.models.builder",
        "-i",
        str(hf_folder),
        "-o",
        str(out),
        "-p",
        precision,
        "-e",
        "cpu",
        "-c",
        str(cache),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise BuilderError(f"model builder failed ({completed.returncode}):\n{completed.stderr[-3000:]}")
    shutil.rmtree(cache, ignore_errors=True)
    return sorted(p.name for p in out.iterdir() if p.is_file())


def finalise(out: Path, manifest_fields: dict[str, Any]) -> Manifest:
    """Model card and manifest (sha256 of every file, the card included)."""
    return write_manifest(out, **manifest_fields)
