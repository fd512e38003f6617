"""A window that fits the desk it runs on: first sized to the screen, then as the user left it.

The geometry is kept in the user's settings (an INI file in Qt's per-user config folder),
one key per window, so a 1366×768 laptop never opens a window taller than its screen and a
user who arranged the window finds it so the next time.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

ORGANISATION = "AfterSalesAssist"
APPLICATION = "AfterSalesAssist"
FRAME_ALLOWANCE = QSize(16, 40)  # the title bar and borders the desktop adds around the window


def settings() -> QSettings:
    """The app's per-user settings (INI format, so tests can point them at a scratch folder)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


def fit_to_screen(window: QWidget, preferred: QSize) -> None:
    """``preferred`` where the screen has room for it, else the screen's free area, centred."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(preferred)
        return
    free = screen.availableGeometry()
    width = min(preferred.width(), free.width() - FRAME_ALLOWANCE.width())
    height = min(preferred.height(), free.height() - FRAME_ALLOWANCE.height())
    window.resize(max(width, 1), max(height, 1))
    frame = window.frameGeometry()
    frame.moveCenter(free.center())
    window.move(frame.topLeft())


def restore_geometry(window: QWidget, key: str, preferred: QSize) -> bool:
    """The geometry saved under ``key`` (Qt moves it back onto a screen); else fit the screen.

    True when a saved geometry was used.
    """
    saved = settings().value(f"{key}/geometry")
    if isinstance(saved, QByteArray | bytes) and window.restoreGeometry(QByteArray(saved)):
        return True
    fit_to_screen(window, preferred)
    return False


def save_geometry(window: QWidget, key: str) -> None:
    store = settings()
    store.setValue(f"{key}/geometry", window.saveGeometry())
    store.sync()
