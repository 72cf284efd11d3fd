"""Every test gets its own data directory and database; nothing touches the real user's files.

Backends: a test that takes ``backend_url`` (or the ``backend`` it depends on) runs once on a
SQLite file and once on a fresh database of a PostgreSQL server, and ``MLLENS_DB`` points at
it. The server is the one ``MLLENS_TEST_POSTGRES_URL`` names (``.ci/run`` starts one), else a
throwaway cluster started for the session when PostgreSQL is installed
(``tests/postgres_server.py``), else the PostgreSQL runs are skipped with the reason, unless
``MLLENS_REQUIRE_POSTGRES=1`` (CI) makes that a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import postgres_server
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


BACKENDS = ("sqlite", "postgresql")


def _no_postgres(reason: str) -> None:
    if os.environ.get("MLLENS_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"MLLENS_REQUIRE_POSTGRES=1, but {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """The URL of a PostgreSQL server whose login may create databases."""
    given = os.environ.get("MLLENS_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _no_postgres("psycopg is not installed (pip install -e '.[test,postgres]')")
    if postgres_server.find_bin_dir() is None:
        _no_postgres("PostgreSQL is not installed (no initdb); apt-get install postgresql")
    folder = postgres_server.temporary_folder()
    try:
        url = postgres_server.start(folder)
    except RuntimeError as exc:
        postgres_server.stop(folder)
        _no_postgres(f"a throwaway server did not start: {exc}")
    try:
        yield url
    finally:
        postgres_server.stop(folder)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The backend a test runs on: every test that uses it runs on each."""
    name: str = request.param
    return name


@pytest.fixture
def backend_url(
    backend: str,
    isolated_data: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[str]:
    """A fresh, empty database on ``backend``, also the default (``MLLENS_DB``)."""
    if backend == "sqlite":
        yield f"sqlite:///{isolated_data / 'mllens.db'}"
        return
    server: str = request.getfixturevalue("postgres_server_url")
    with postgres_server.database(server) as url:
        monkeypatch.setenv("MLLENS_DB", url)
        yield url


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
