"""Find a lens by path or id: the built-in ML Lens, or one a user added to the data directory."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from mllens_tui import paths
from mllens_tui.lens.model import Lens
from mllens_tui.problems import InputError, Problem

BUILTIN_LENS_ID = "aws-ml-lens"


def load_any(path: Path) -> Lens:
    """Load a lens file or folder: TOML content, or an AWS custom lens in JSON."""
    if path.suffix.lower() == ".json":
        from mllens_tui.lens.aws_json import load_aws_lens

        return load_aws_lens(path)
    from mllens_tui.lens.loader import load_lens  # the TOML parser: only when not cached

    return load_lens(path)


@lru_cache(maxsize=8)
def _load_cached(path: Path, mtime: float) -> Lens:
    from mllens_tui.lens import cache

    return cache.load(path, load_any)


def _mtime(path: Path) -> float:
    if path.is_dir():
        return max((p.stat().st_mtime for p in path.glob("*.toml")), default=0.0)
    return path.stat().st_mtime


def load_path(path: Path) -> Lens:
    """Load a lens, reusing the parsed result while the files are unchanged."""
    path = path.resolve()
    if not path.exists():
        raise InputError([Problem(str(path), "", "no such file or folder")], what="lens")
    return _load_cached(path, _mtime(path))


def builtin_lens() -> Lens:
    return load_path(paths.builtin_lens_dir())


def installed_lens_paths() -> list[Path]:
    """Lens files and folders a user added under the data directory, in name order."""
    folder = paths.user_lenses_dir()
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if (p.is_dir() and (p / "lens.toml").is_file()) or p.suffix.lower() in (".toml", ".json")
    )


def installed_lenses() -> list[Lens]:
    """The built-in lens and every valid user lens (invalid ones are skipped here)."""
    lenses = [builtin_lens()]
    for path in installed_lens_paths():
        try:
            lenses.append(load_path(path))
        except InputError:
            continue
    return lenses


def find_lens(lens_id: str) -> Lens | None:
    """An installed lens by id, or None."""
    return next((lens for lens in installed_lenses() if lens.id == lens_id), None)


def resolve_lens(spec: str | Path | None = None) -> Lens:
    """``--lens``: a path to a lens file or folder, an installed lens id, or the default.

    The default is ``MLLENS_LENS`` when set, else the built-in ML Lens.
    """
    if spec is None:
        spec = os.environ.get("MLLENS_LENS") or None
    if spec is None or spec == BUILTIN_LENS_ID:
        return builtin_lens()
    path = Path(spec).expanduser()
    if path.exists():
        return load_path(path)
    found = find_lens(str(spec))
    if found is None:
        known = ", ".join(sorted(lens.id for lens in installed_lenses()))
        raise InputError(
            [Problem(str(spec), "", f"no such lens file, folder or installed lens id ({known})")],
            what="lens",
        )
    return found
