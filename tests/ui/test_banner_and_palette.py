"""One banner widget and one palette: tones, wrapping, closing, and no stray colours."""

from __future__ import annotations

import re
from pathlib import Path

import desktop_app.ui as ui_package
from desktop_app.ui.common.banner import Banner, Tone
from desktop_app.ui.common.palette import BANNER_TONES

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}\b")


def test_a_banner_shows_its_message_in_the_tone_asked(qtbot):
    banner = Banner(Tone.WARNING, object_name="testBanner")
    qtbot.addWidget(banner)
    assert banner.isHidden()
    banner.show_message("找不到模型文件", Tone.ERROR)
    assert banner.isVisible() and banner.text() == "找不到模型文件"
    assert banner.tone is Tone.ERROR
    assert BANNER_TONES["error"][0] in banner.styleSheet()


def test_a_long_path_wraps_instead_of_widening(qtbot):
    banner = Banner()
    qtbot.addWidget(banner)
    banner.show_message("model folder " + "/very-long-folder-name" * 20 + " does not exist")
    assert banner.minimumSizeHint().width() < 400


def test_a_closable_banner_closes(qtbot):
    banner = Banner(Tone.INFO, closable=True)
    qtbot.addWidget(banner)
    banner.show_message("已改派")
    assert banner.close_button is not None
    banner.close_button.click()
    assert banner.isHidden()


def test_no_widget_module_names_a_colour_of_its_own():
    """Colours live in ui/common/palette.py, by meaning; a hex code elsewhere is a stray."""
    root = Path(ui_package.__file__).parent
    strays = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in sorted(root.rglob("*.py"))
        if path.name != "palette.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HEX_COLOUR.search(line)
    ]
    assert not strays, "\n".join(strays)
