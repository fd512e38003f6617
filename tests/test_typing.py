"""mypy over desktop_app, as configured in pyproject.toml's [tool.mypy], finds nothing.

mypy is in the test extra, so this runs (never skips) wherever the suite does.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


# A cold run (no .mypy_cache, as in CI) takes about 50 s of CPU, torch and transformers
# included; on a shared, busy machine it took 4.5 min: more than the suite's 300 s default.
@pytest.mark.timeout(600)
def test_mypy_passes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],  # files, flags and overrides come from pyproject.toml
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=570,
    )
    assert result.returncode == 0, f"mypy failed (exit {result.returncode}):\n{result.stdout}{result.stderr}"
