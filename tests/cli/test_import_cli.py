"""``aftersales import``: bad files are one line and exit 2, ``--encoding`` overrides the
guess, and ``--json`` reports never quote personal data raw (issue 13, items 2 and 9)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from helpers.personal_data import leaked, seeded_personal_data

from desktop_app.cli.main import EXIT_BAD_INPUT, main


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """``run(args)`` -> (status, stdout, stderr) of ``aftersales import … --no-progress``."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"

    def _run(args: list[str]) -> tuple[int, str, str]:
        status = main(["--db", url, "import", *args, "--no-progress"])
        out, err = capsys.readouterr()
        return status, out, err

    return _run


def test_json_report_masks_the_cells_it_quotes(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seeded = seeded_personal_data(200)
    path = tmp_path / "pii.jsonl"
    lines = [json.dumps({"id": f"J{n}", "text": "有内容", "created_at": cell}) for n, (_, cell) in enumerate(seeded)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    status, out, _err = run([str(path), "--json"])
    report = json.loads(out)
    assert status == 0 and report["skipped"] == 200
    assert all(e["reason"].startswith(("not a time: '", "time out of range: '")) for e in report["errors"])
    assert leaked(out, seeded) == []


def test_encoding_option(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "gbk.csv"
    path.write_bytes("id,text\nE1,发票抬头开错了\n".encode("gbk"))
    status, out, _ = run([str(path), "--encoding", "utf-8", "--json"])  # told wrong: rows refused
    assert status == 0 and json.loads(out)["skipped"] == 1
    status, out, _ = run([str(path), "--encoding", "gb18030", "--json"])
    assert status == 0 and json.loads(out)["imported"] == 1


def _one_line_error(run, args: list[str]) -> str:  # type: ignore[no-untyped-def]
    status, out, err = run(args)
    assert (status, out) == (EXIT_BAD_INPUT, "")
    assert err.count("\n") == 1 and err.startswith("aftersales: error: "), err
    assert "Traceback" not in err
    return err


def test_bad_files_are_one_line_and_exit_2(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    odd = tmp_path / "odd.csv"
    odd.write_bytes(b"\xff\xfeA")
    assert "not valid utf-16" in _one_line_error(run, [str(odd)])
    assert "unknown encoding 'klingon'" in _one_line_error(run, [str(odd), "--encoding", "klingon"])
    assert "unknown encoding 'base64'" in _one_line_error(run, [str(odd), "--encoding", "base64"])
    short = tmp_path / "short.xlsx"
    short.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    assert "not a readable XLSX workbook" in _one_line_error(run, [str(short)])
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (40 << 20))  # 40 MiB of spaces
    assert "zip bomb" in _one_line_error(run, [str(bomb)])
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert "no such file" in _one_line_error(run, [str(folder)])
