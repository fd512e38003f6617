"""``aftersales drafter adopt DIR``: make a builder-exported decoder a drafter model folder.

A deploying company exports a Qwen or Llama with onnxruntime-genai's model builder
(``python -m onnxruntime_genai.models.builder -i LOCAL_QWEN_FOLDER -o DIR -p int4 -e cpu``)
and runs this on DIR: it writes the manifest (task, ``chat`` prompt format, sha256 of every
file) and a model card, then checks that the folder loads and drafts. No torch needed.
"""

from __future__ import annotations

import json
from pathlib import Path

from desktop_app.nlp.drafting.prompt import CHAT_FORMAT, DraftRequest
from desktop_app.nlp.drafting.drafter import CONFIG_FILE, ReplyDrafter
from desktop_app.nlp.drafting.folder import set_default_threads, write_manifest


class AdoptError(ValueError):
    pass


def adopt_folder(folder: Path, name: str | None, prompt_format: str = CHAT_FORMAT, threads: int = 2) -> dict:
    config_path = folder / CONFIG_FILE
    if not config_path.is_file():
        raise AdoptError(
            f"{folder} has no {CONFIG_FILE}: export the model with onnxruntime-genai's model builder first"
        )
    if not (folder / "tokenizer.json").is_file():
        raise AdoptError(f"{folder} has no tokenizer.json")
    model = json.loads(config_path.read_text("utf-8")).get("model", {})
    set_default_threads(folder, threads)
    manifest = write_manifest(
        folder,
        name=name or folder.name,
        architecture={"type": model.get("type"), "context_length": model.get("context_length")},
        precision="as exported",
        training={"adopted": "exported by the deploying company; see its own model card"},
        prompt_format=prompt_format,
    )
    drafter = ReplyDrafter.load(folder, threads=threads)
    result = drafter.draft(DraftRequest(text="你好，我的快递到哪了？"), max_new_tokens=16)
    return {"folder": str(folder), "name": manifest.name, "format": drafter.format, "sample": result.text}
