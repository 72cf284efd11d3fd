"""Every path and default location, in one place; each can be overridden by flag or environment.

| what             | flag        | environment       | default                                    |
|------------------|-------------|-------------------|--------------------------------------------|
| data directory   | --data-dir  | MLLENS_DATA_DIR   | platformdirs.user_data_path("mllens-tui")  |
| database URL     | --db        | MLLENS_DB         | sqlite:///<data directory>/mllens.db       |
| lens             | --lens      | MLLENS_LENS       | the built-in AWS ML Lens                   |
| user lenses      |             |                   | <data directory>/lenses/                   |
| cache            |             | MLLENS_CACHE_DIR  | platformdirs.user_cache_path("mllens-tui") |
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "mllens-tui"
DB_FILENAME = "mllens.db"


def data_dir() -> Path:
    """Where the database and the lenses a user adds live."""
    override = os.environ.get("MLLENS_DATA_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """Where parsed lenses are kept between runs; anything in it can be deleted at any time."""
    override = os.environ.get("MLLENS_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


def user_lenses_dir() -> Path:
    return data_dir() / "lenses"


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and its missing parents, each 0700, whichever command comes first.

    The data directory holds answers and notes about a team's systems: nobody else on the
    machine should list or read it. ``Path.mkdir(parents=True)`` would give the parents the
    umask's mode (usually 0755), so each missing level is made here, top down. Folders that
    exist already keep their mode.
    """
    missing: list[Path] = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for level in reversed(missing):
        try:
            level.mkdir(mode=0o700)
        except FileExistsError:  # another process made it in between: its mode stands
            continue
        level.chmod(0o700)  # mkdir's mode is filtered by the umask


def default_db_url() -> str:
    override = os.environ.get("MLLENS_DB")
    if override:
        return override
    return f"sqlite:///{data_dir() / DB_FILENAME}"


def builtin_content_dir() -> Path:
    """The content/ folder: inside the package when installed, at the repo top in a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "content"
    if packaged.is_dir():
        return packaged
    return here.parent / "content"


def builtin_lens_dir() -> Path:
    return builtin_content_dir() / "aws-ml-lens"
