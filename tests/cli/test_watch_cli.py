"""``aftersales watch --db URL --json``: a line per change as it happens, until Ctrl+C (both backends)."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import IO

import pytest

from desktop_app.services.tickets import TicketService

pytestmark = pytest.mark.both_backends

START_S = 30.0  # a cold interpreter importing the app on a busy machine
LINE_S = 10.0


class Watcher:
    """``aftersales watch`` in a child process; its stdout lines arrive in a queue."""

    def __init__(self, db_url: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "desktop_app", "watch", "--db", db_url, "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            # A shell's background job ignores SIGINT and its children inherit that; Python then
            # installs no KeyboardInterrupt handler, so Ctrl+C is restored for the child here.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.errors: queue.Queue[str] = queue.Queue()
        self._pumps = [
            threading.Thread(target=self._pump, args=(stream, sink), daemon=True)
            for stream, sink in ((self.process.stdout, self.lines), (self.process.stderr, self.errors))
        ]
        for pump in self._pumps:
            pump.start()

    @staticmethod
    def _pump(stream: IO[str] | None, sink: queue.Queue[str]) -> None:
        assert stream is not None
        for line in stream:
            sink.put(line)

    def wait_ready(self) -> None:
        """The feed is open once it says so on stderr (changes before that are not its)."""
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            try:
                if self.errors.get(timeout=0.2).startswith("watching "):
                    return
            except queue.Empty:
                assert self.process.poll() is None, "watch exited before it was ready"
        pytest.fail("watch did not start")

    def next_line(self) -> dict:  # type: ignore[type-arg]
        return json.loads(self.lines.get(timeout=LINE_S))

    def finish(self) -> str:
        """Wait for the child's end (killed if still running); return the rest of its stderr."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for pump in self._pumps:
            pump.join(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            assert stream is not None
            stream.close()
        rest = []
        while not self.errors.empty():
            rest.append(self.errors.get())
        return "".join(rest)


@pytest.fixture
def watcher(db, db_url: str) -> Iterator[Watcher]:
    child = Watcher(db_url)
    yield child
    child.finish()


def test_watch_prints_a_line_per_change_and_stops_on_ctrl_c(db, watcher, make_ticket, add_tickets) -> None:
    watcher.wait_ready()
    ticket_id = add_tickets([make_ticket(1)])["T-00001"]
    seen = [watcher.next_line()]
    assert set(seen[0]) == {"ticket", "change", "at"}
    assert seen[0]["ticket"] == ticket_id and seen[0]["change"] in ("ticket", "message")

    TicketService(db).add_customer_message(ticket_id, "在吗？什么时候发货")
    deadline = time.monotonic() + LINE_S
    while not any(line["change"] == "message" and line["ticket"] == ticket_id for line in seen[1:]):
        assert time.monotonic() < deadline, f"no message change in {seen}"
        seen.append(watcher.next_line())
    assert seen[-1]["at"].endswith("Z")

    watcher.process.send_signal(signal.SIGINT)
    assert watcher.process.wait(timeout=10) == 0
    assert "Traceback" not in watcher.finish()


def test_watch_refuses_an_in_memory_database(run_cli) -> None:  # type: ignore[no-untyped-def]
    status, _out, err = run_cli(["watch", "--db", "sqlite://", "--json"])
    assert status == 2 and "no change feed" in err


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    from desktop_app.cli.main import main

    def _run(args: list[str]) -> tuple[int, str, str]:
        status = main(args)
        out, err = capsys.readouterr()
        return status, out, err

    return _run
