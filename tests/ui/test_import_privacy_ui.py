"""The import dialog's texts never show personal data raw (issue 13, item 9): neither the
refused rows' reasons in the report nor a file error that lists the columns."""

from __future__ import annotations

from pathlib import Path

from helpers.personal_data import leaked, seeded_personal_data

SEEDED = seeded_personal_data(60)


def _outcome(qtbot, main_window, path: Path):  # type: ignore[no-untyped-def]
    controller = main_window.start_import(path, [])
    with qtbot.waitSignal(controller.finished, timeout=20000):
        pass
    box = controller.message_box
    assert box is not None
    return box


def test_report_dialog_masks_the_refused_cells(qtbot, main_window, tmp_path: Path) -> None:
    path = tmp_path / "pii.csv"
    rows = [f"P{n},有内容,{cell.replace(chr(10), ' ')},新工单" for n, (_, cell) in enumerate(SEEDED)]
    path.write_text("订单号,问题描述,创建时间,状态\n" + "\n".join(rows) + "\n", "utf-8")
    box = _outcome(qtbot, main_window, path)
    details = box.detailedText()
    assert details.count("\n") == len(SEEDED) - 1 and "第 2 行" in details  # every row is listed,
    assert leaked(box.text() + details, SEEDED) == []  # with its cell masked
    box.close()


def test_file_error_dialog_masks_the_column_names(qtbot, main_window, tmp_path: Path) -> None:
    path = tmp_path / "no-header.csv"
    path.write_text(f"{SEEDED[0][1]},{SEEDED[1][1]},2024-05-01\n", "utf-8")
    box = _outcome(qtbot, main_window, path)
    assert "列映射" in box.text()
    assert leaked(box.text() + box.detailedText(), SEEDED[:2]) == []
    box.close()
