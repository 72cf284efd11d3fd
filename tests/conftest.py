"""Every test gets its own data directory and database; nothing touches the real user's files."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The real AWS custom lenses: CI lays shared/ beside the checkout; a fresh clone has none.
SHARED_LENSES = REPO.parent / "shared" / "lenses"
# Small lenses of our own, in the same format, with every quirk the importer handles.
FIXTURE_LENSES = Path(__file__).resolve().parent / "fixtures" / "lenses"


@pytest.fixture(autouse=True)
def isolated_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("MLLENS_DATA_DIR", str(data))
    monkeypatch.setenv("MLLENS_DB", f"sqlite:///{data / 'mllens.db'}")
    monkeypatch.setenv("MLLENS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MLLENS_LENS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return data


@pytest.fixture
def db_url(isolated_data: Path) -> str:
    return f"sqlite:///{isolated_data / 'mllens.db'}"


@pytest.fixture(scope="session")
def ml_lens():  # type: ignore[no-untyped-def]
    from mllens_tui.lens.loader import load_lens
    from mllens_tui.paths import builtin_lens_dir

    return load_lens(builtin_lens_dir())


@pytest.fixture
def shared_lenses() -> Path:
    """The folder of real AWS custom lenses; the test is skipped (never failed) without it."""
    if not SHARED_LENSES.is_dir():
        pytest.skip(
            "../shared/lenses/ is not beside this checkout (it is in CI): "
            "the fixtures in tests/fixtures/lenses/ cover the same behaviour"
        )
    return SHARED_LENSES


@pytest.fixture
def fixture_lenses() -> Path:
    """The folder of our own small AWS custom lenses (tests/fixtures/lenses/README.md)."""
    return FIXTURE_LENSES
