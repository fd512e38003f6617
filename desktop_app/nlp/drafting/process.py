"""The reply drafter in a child process, for the GUI.

onnxruntime-genai 0.18 keeps Python's global interpreter lock while the model runs, so a
drafter on a worker thread still stalls the Qt event loop for the length of each step (a
second or more for the prompt of a swapped-in 0.5B model). In a child process the model
can take as long as it likes: the parent's thread only waits on a pipe, which releases
the lock. Same interface as :class:`ReplyDrafter`: ``stream`` with ``cancel`` and
``on_token``, one request at a time.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from desktop_app.nlp.drafting.prompt import DraftRequest
from desktop_app.nlp.drafting.drafter import DraftResult, ReplyDrafter
from desktop_app.nlp.model_folder import ModelFolderError

POLL_S = 0.02
START_TIMEOUT_S = 120.0


class DrafterProcessError(RuntimeError):
    """The drafter process died or failed a request; the message says why."""


def _serve(folder: str, threads: int | None, conn: Connection, cancel: Any) -> None:
    try:
        drafter = ReplyDrafter.load(folder, threads=threads)
    except ModelFolderError as exc:
        conn.send(("error", str(exc)))
        return
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    ready = {
        "name": drafter.name,
        "format": drafter.format,
        "max_new_tokens": drafter.max_new_tokens,
        "candidates": drafter.candidates,
    }
    conn.send(("ready", ready))
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message[0] == "stop":
            return
        _kind, request, max_new_tokens, min_new_tokens, seed = message
        try:
            result = drafter.stream(
                request,
                cancel=cancel,
                on_token=lambda piece: conn.send(("token", piece)),
                max_new_tokens=max_new_tokens,
                min_new_tokens=min_new_tokens,
                seed=seed,
            )
        except Exception as exc:  # noqa: BLE001 - one bad request must not end the process
            conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        else:
            conn.send(("done", result))


class ProcessDrafter:
    def __init__(self, folder: Path | str, threads: int | None = None) -> None:
        context = multiprocessing.get_context("spawn")  # never fork a process that runs Qt threads
        self._cancel = context.Event()
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(str(folder), threads, child, self._cancel), name="aftersales-drafter", daemon=True
        )
        self._process.start()
        child.close()
        self._lock = threading.Lock()
        if not self._conn.poll(START_TIMEOUT_S):
            self.close()
            raise DrafterProcessError(f"the drafter process did not start within {START_TIMEOUT_S:.0f} s")
        kind, payload = self._receive()
        if kind == "error":
            self.close()
            raise ModelFolderError(payload)
        self.name: str = payload["name"]
        self.format: str = payload["format"]
        self.max_new_tokens: int = payload["max_new_tokens"]
        self.candidates: int = payload["candidates"]

    @classmethod
    def load(cls, folder: Path | str, threads: int | None = None) -> ProcessDrafter:
        return cls(folder, threads)

    def _receive(self) -> tuple[str, Any]:
        try:
            return self._conn.recv()
        except (EOFError, OSError) as exc:
            raise DrafterProcessError(f"the drafter process ended (exit code {self._process.exitcode})") from exc

    def stream(
        self,
        request: DraftRequest,
        cancel: threading.Event | None = None,
        max_new_tokens: int | None = None,
        on_token: Callable[[str], None] | None = None,
        min_new_tokens: int = 0,
        seed: int | None = None,
    ) -> DraftResult:
        with self._lock:
            if not self._process.is_alive():
                raise DrafterProcessError(f"the drafter process has ended (exit code {self._process.exitcode})")
            self._cancel.clear()
            self._conn.send(("draft", request, max_new_tokens, min_new_tokens, seed))
            while True:
                if cancel is not None and cancel.is_set():
                    self._cancel.set()
                if not self._conn.poll(POLL_S):
                    if not self._process.is_alive():
                        raise DrafterProcessError(f"the drafter process ended (exit code {self._process.exitcode})")
                    continue
                kind, payload = self._receive()
                if kind == "token":
                    if on_token is not None:
                        on_token(payload)
                elif kind == "done":
                    return payload
                else:
                    raise DrafterProcessError(payload)

    def draft(self, request: DraftRequest, max_new_tokens: int | None = None) -> DraftResult:
        return self.stream(request, max_new_tokens=max_new_tokens)

    def close(self, timeout_s: float = 5.0) -> None:
        """Ask the process to stop, then make sure it has."""
        self._cancel.set()
        try:
            self._conn.send(("stop",))
        except (OSError, ValueError):
            pass
        self._process.join(timeout_s)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout_s)
        self._conn.close()
