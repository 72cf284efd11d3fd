"""Parsed lenses are kept in the cache directory and used only while they check out."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mllens_tui import paths
from mllens_tui.lens import cache
from mllens_tui.lens.loader import load_lens
from mllens_tui.lens.model import Lens


@pytest.fixture
def lens_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "lens"
    shutil.copytree(paths.builtin_lens_dir(), folder)
    return folder


def counting() -> tuple[list[Path], object]:
    parsed: list[Path] = []

    def parse(path: Path) -> Lens:
        parsed.append(path)
        return load_lens(path)

    return parsed, parse


def test_the_second_load_comes_from_the_cache(lens_dir: Path, tmp_path: Path) -> None:
    parsed, parse = counting()
    first = cache.load(lens_dir, parse)  # type: ignore[arg-type]
    second = cache.load(lens_dir, parse)  # type: ignore[arg-type]
    assert parsed == [lens_dir]
    assert second == first and second.content_hash == first.content_hash
    assert second.question("MLOE-01") == first.question("MLOE-01")
    files = list((tmp_path / "cache" / "lenses").iterdir())
    assert len(files) == 1 and files[0].stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "cache").stat().st_mode & 0o777 == 0o700


def test_a_changed_lens_is_parsed_again(lens_dir: Path) -> None:
    parsed, parse = counting()
    before = cache.load(lens_dir, parse)  # type: ignore[arg-type]
    header = lens_dir / "lens.toml"
    header.write_text(
        header.read_text(encoding="utf-8").replace(
            f'name = "{before.name}"', 'name = "Renamed lens"', 1
        ),
        encoding="utf-8",
    )
    after = cache.load(lens_dir, parse)  # type: ignore[arg-type]
    assert len(parsed) == 2
    assert after.name == "Renamed lens" and after.content_hash != before.content_hash


def test_a_damaged_or_foreign_cache_file_is_not_trusted(lens_dir: Path, tmp_path: Path) -> None:
    parsed, parse = counting()
    good = cache.load(lens_dir, parse)  # type: ignore[arg-type]
    (file,) = (tmp_path / "cache" / "lenses").iterdir()
    data = bytearray(file.read_bytes())
    data[-10] ^= 0xFF
    file.write_bytes(bytes(data))
    assert cache.load(lens_dir, parse) == good  # type: ignore[arg-type]
    assert len(parsed) == 2  # the damaged file was parsed around, then written again
    file.chmod(0o666)  # another user could have written it: it runs code when unpickled
    assert cache.load(lens_dir, parse) == good  # type: ignore[arg-type]
    assert len(parsed) == 3


def test_an_unwritable_cache_only_costs_the_parse(
    lens_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("MLLENS_CACHE_DIR", str(blocker))
    parsed, parse = counting()
    assert cache.load(lens_dir, parse) == load_lens(lens_dir)  # type: ignore[arg-type]
    assert cache.load(lens_dir, parse).id == "aws-ml-lens"  # type: ignore[arg-type]
    assert len(parsed) == 2
