"""Where the app keeps its data, and how a database is chosen.

Order of precedence for the database: ``--db URL`` on the command line, then the
``AFTERSALES_DB`` environment variable, then a SQLite file in the user data folder.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "AfterSalesAssist"
DB_ENV_VAR = "AFTERSALES_DB"
DATA_DIR_ENV_VAR = "AFTERSALES_DATA_DIR"
LANG_ENV_VAR = "AFTERSALES_LANG"
TAGGER_MODEL_ENV_VAR = "AFTERSALES_TAGGER_MODEL"

PACKAGE_DIR = Path(__file__).resolve().parent
# A wheel carries resources/ and models/ inside the package (pyproject.toml, force-include);
# a source checkout or an editable install reads them from beside the package.
BUNDLED_DIR = PACKAGE_DIR / "_data"
DATA_ROOT = BUNDLED_DIR if (BUNDLED_DIR / "resources").is_dir() else PACKAGE_DIR.parent
RESOURCES_DIR = DATA_ROOT / "resources"
# Model folders (DESIGN.md "Model artifacts"): models/tagger, models/drafter, models/retriever.
MODELS_DIR = DATA_ROOT / "models"


def data_dir() -> Path:
    """The per-user folder for the database and logs (overridable for tests and kiosks)."""
    override = os.environ.get(DATA_DIR_ENV_VAR)
    path = Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'aftersales.db'}"


def resolve_db_url(cli_value: str | None) -> str:
    return cli_value or os.environ.get(DB_ENV_VAR) or default_db_url()


def default_tagger_dir() -> Path:
    """The ticket tagger's folder: ``$AFTERSALES_TAGGER_MODEL``, else ``models/tagger``."""
    override = os.environ.get(TAGGER_MODEL_ENV_VAR)
    return Path(override) if override else MODELS_DIR / "tagger"


DRAFTER_MODEL_ENV_VAR = "AFTERSALES_DRAFTER_MODEL"
KB_ENV_VAR = "AFTERSALES_KB_DIR"


def default_drafter_dir() -> Path:
    """The reply drafter's folder: ``$AFTERSALES_DRAFTER_MODEL``, else ``models/drafter``."""
    override = os.environ.get(DRAFTER_MODEL_ENV_VAR)
    return Path(override) if override else MODELS_DIR / "drafter"


def default_ranker_dir() -> Path:
    """The knowledge-base ranker: ``$AFTERSALES_RANKER_MODEL``, else ``models/retriever``."""
    override = os.environ.get("AFTERSALES_RANKER_MODEL")
    return Path(override) if override else MODELS_DIR / "retriever"


def default_kb_dir() -> Path:
    """The knowledge base the drafts draw on: ``$AFTERSALES_KB_DIR``, else ``resources/kb``."""
    override = os.environ.get(KB_ENV_VAR)
    return Path(override) if override else RESOURCES_DIR / "kb"


CLAIM_LEASE_ENV_VAR = "AFTERSALES_CLAIM_LEASE_S"
# How long a claimed ticket stays the claimer's without a heartbeat: a crashed client's
# tickets return to the queue after this. The open ticket's lease is renewed well before.
DEFAULT_CLAIM_LEASE = timedelta(minutes=10)


def claim_lease() -> timedelta:
    """The claim lease: ``$AFTERSALES_CLAIM_LEASE_S`` seconds, else 10 minutes."""
    override = os.environ.get(CLAIM_LEASE_ENV_VAR, "").strip()
    if not override:
        return DEFAULT_CLAIM_LEASE
    try:
        seconds = float(override)
    except ValueError:
        raise ValueError(f"{CLAIM_LEASE_ENV_VAR}={override!r} is not a number of seconds") from None
    if seconds <= 0:
        raise ValueError(f"{CLAIM_LEASE_ENV_VAR} must be positive, not {override}")
    return timedelta(seconds=seconds)
