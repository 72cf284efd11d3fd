"""The sqlite3 read path (store/quickread.py) reads what the Store reads, refuses whatever it
cannot be sure of, and never writes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mllens_tui.assessment import Answer, Confidence, NAReason, Ownership
from mllens_tui.cli import main
from mllens_tui.demo import DEMO_NAME, install_demo
from mllens_tui.lens.model import Lens
from mllens_tui.store import migrations
from mllens_tui.store.errors import NotFound
from mllens_tui.store.quickread import SCHEMA_VERSION, QuickRead
from mllens_tui.store.service import Store
from tests.test_store_safety import damage


def test_it_reads_the_schema_the_store_writes() -> None:
    # A migration that changes the tables must be read here too, or this falls back for good.
    assert migrations.latest_version() == SCHEMA_VERSION


@pytest.fixture
def filled(db_url: str, ml_lens: Lens) -> str:
    with Store.open(db_url) as store:
        install_demo(store, ml_lens)
        store.create_workload("Empty", ml_lens, environment="dev", pillar_weights={"security": 2})
        store.create_workload("Mixed", ml_lens, description="notes\nhere")
        store.set_answer(
            "Mixed",
            Answer("MLOE-01", not_applicable=True, reason=NAReason.OUT_OF_SCOPE, notes="n/a"),
        )
        store.set_answer(
            "Mixed",
            Answer("MLSEC-05", level=2, target=3, evidence="doc", confidence=Confidence.EVIDENCED),
        )
        store.set_ownership("Mixed", "MLSEC-05", Ownership("Ana", date(2027, 3, 31)))
        store.set_ownership("Mixed", "MLOE-04", Ownership("Bo"))
        store.set_answer("Mixed", Answer("MLSEC-05", level=3, target=3))  # revision 2 of it
        store.tag_workload("Mixed", ["team-b", "Team-A"])
        store.create_workload("Gone", ml_lens)
        store.delete_workload("Gone")  # to the trash: neither listed nor found
    return db_url


def test_the_reader_sees_what_the_store_sees(filled: str) -> None:
    reader = QuickRead.open(filled)
    assert reader is not None
    with Store.open(filled) as store:
        records = store.list_workloads()
        assert reader.list_workloads() == records
        assert [r.name for r in records] == ["Empty", DEMO_NAME, "Mixed"]
        ids = [r.id for r in records]
        assert reader.answers_by_workload(ids) == store.answers_by_workload(ids)
        for record in records:
            assert reader.answers_by_workload([record.id])[record.id] == store.answers(record.name)
            assert reader.get_workload(record.name) == store.get_workload(record.name)
            assert reader.plan_owners(record.id) == store.plan_owners(record.name)
        assert reader.plan_owners(records[2].id)["MLSEC-05"] == Ownership("Ana", date(2027, 3, 31))
        assert records[2].tags == ("Team-A", "team-b")
        for record in records:
            state = reader.workload_state(record.name)
            assert state is not None and state.record == record
            assert (state.answers, state.revisions) == store.answers_with_revisions(record.name)
            assert state.owners == store.plan_owners(record.name)
        assert reader.workload_state("Mixed").revisions["MLSEC-05"] > 0  # type: ignore[union-attr]
    assert reader.get_workload("nobody") is None
    assert reader.get_workload("Gone") is None
    with pytest.raises(NotFound, match="no workload named 'Gone'"):
        reader.workload_state("Gone")
    reader.close()


def test_live_updates_start_from_the_counter_the_reader_first_saw(filled: str) -> None:
    reader = QuickRead.open(filled)
    assert reader is not None and reader.counter is None
    reader.list_workloads()
    with Store.open(filled) as store:
        seen = store.change_counter()
        store.set_answer("Empty", Answer("MLOE-01", level=1))
        assert reader.counter == seen < store.change_counter()
    reader.get_workload("Empty")
    assert reader.counter == seen  # later reads do not move it past what was shown
    reader.close()


def test_a_workload_with_a_workshop_is_left_to_the_store(filled: str) -> None:
    with Store.open(filled) as store:
        store.start_workshop("Mixed", by="fay")
    reader = QuickRead.open(filled)
    assert reader is not None
    assert reader.workload_state("Mixed") is None
    assert reader.workload_state("Empty") is not None
    reader.close()


async def test_the_app_opens_a_workshop_workload_with_its_workshop(filled: str) -> None:
    from mllens_tui.app import make_app
    from mllens_tui.app.pilot import settle

    with Store.open(filled) as store:
        store.start_workshop("Mixed", by="fay")
    app = make_app(db_url=filled, workload="Mixed")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.current is not None and app.current.name == "Mixed"
        assert app.current.in_workshop
        assert "voting" in str(app.format_title("", ""))


def test_the_reader_never_writes(filled: str, isolated_data: Path) -> None:
    path = isolated_data / "mllens.db"
    before = path.read_bytes(), path.stat().st_mtime_ns
    reader = QuickRead.open(filled)
    assert reader is not None
    reader.list_workloads()
    with pytest.raises(Exception, match="readonly"):
        reader._conn.execute("DELETE FROM workload")
    reader.close()
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_what_the_reader_leaves_to_the_store(
    filled: str, isolated_data: Path, tmp_path: Path
) -> None:
    path = isolated_data / "mllens.db"
    assert QuickRead.open("sqlite://") is None
    assert QuickRead.open("postgresql+psycopg://u:p@localhost/db") is None
    assert QuickRead.open(f"sqlite:///{tmp_path / 'missing.db'}") is None
    assert QuickRead.open(f"sqlite:///{path}?mode=ro") is None
    link = tmp_path / "link.db"
    link.symlink_to(path)
    assert QuickRead.open(f"sqlite:///{link}") is None
    foreign = tmp_path / "foreign.db"
    import sqlite3

    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    assert QuickRead.open(f"sqlite:///{foreign}") is None
    conn = sqlite3.connect(path)
    conn.execute("UPDATE mllens_schema SET version = version + 1")
    conn.commit()
    conn.close()
    assert QuickRead.open(filled) is None  # a newer schema: the store refuses it


def test_a_damaged_file_is_not_read(
    capsys: pytest.CaptureFixture[str], filled: str, isolated_data: Path
) -> None:
    path = isolated_data / "mllens.db"
    damage(path)
    assert QuickRead.open(filled) is None
    # So `workload list` goes to the store, which refuses it with its message.
    assert main(["workload", "list"]) == 3
    captured = capsys.readouterr()
    assert DEMO_NAME not in captured.out and f"{path} is damaged" in captured.err


def test_workload_list_and_open_read_without_sqlalchemy(filled: str) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from mllens_tui.cli import main\n"
        "assert main(['workload', 'list']) == 0\n"
        "assert 'sqlalchemy' not in sys.modules, 'the store was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert DEMO_NAME in done.stdout and "Mixed" in done.stdout


async def test_the_app_lists_every_workload_with_its_score_a_chunk_at_a_time(
    db_url: str, ml_lens: Lens
) -> None:
    from textual.widgets import DataTable, Static

    from mllens_tui.app import make_app
    from mllens_tui.app.pilot import settle
    from mllens_tui.app.screens.workloads import FIRST_ROWS

    names = [f"W{i:03d}" for i in range(FIRST_ROWS + 15)]
    with Store.open(db_url) as store:
        for name in names:
            store.create_workload(name, ml_lens)
        store.set_answer(names[-1], Answer("MLOE-01", level=4))
    app = make_app(db_url=db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert [str(key.value) for key in table.rows] == names
        last = table.get_row(names[-1])
        assert last[2].startswith("1/")
        assert last[3] != "-"  # scored, though it came after the first chunk
        status = app.screen.query_one("#workloads-status", Static)
        assert f"{len(names)} workloads" in str(status.render())
        await pilot.press(*["down"] * (len(names) - 1), "enter")
        await settle(pilot)
        assert app.current is not None and app.current.name == names[-1]


async def test_the_first_frame_is_the_list_itself(filled: str) -> None:
    """The app reads the list before it composes the screen: the very first frame shows the
    workloads with their scores (no "Opening the database…" frame, no store)."""
    import sys

    from textual.widgets import DataTable, Static

    from mllens_tui.app import make_app

    app = make_app(db_url=filled)
    async with app.run_test(size=(80, 24)):
        # No pause: what the first compose built, before any worker ran.
        table = app.screen.query_one(DataTable)
        assert [str(key.value) for key in table.rows] == ["Empty", DEMO_NAME, "Mixed"]
        assert table.get_row("Mixed")[1:3] == ["-", "1/104"]  # MLOE-01 is N/A
        status = str(app.screen.query_one("#workloads-status", Static).render())
        assert status.startswith("3 workloads")
        assert app.store is None or "sqlalchemy" in sys.modules  # read through the reader


async def test_open_w_composes_the_dashboard_first(filled: str) -> None:
    """``mllens open W``: the first screen is the workload's dashboard with its numbers; the
    list is never built on the way."""
    from textual.widgets import Static

    from mllens_tui.app import make_app
    from mllens_tui.app.screens.dashboard import DashboardScreen
    from mllens_tui.app.screens.workloads import WorkloadsScreen

    app = make_app(db_url=filled, workload=DEMO_NAME)
    async with app.run_test(size=(80, 24)):
        # No pause: what the first compose built.
        assert isinstance(app.screen, DashboardScreen)
        assert app.current is not None and app.current.name == DEMO_NAME
        assert str(app.screen.query_one("#headline", Static).render()).startswith("Overall")
        assert not any(isinstance(s, WorkloadsScreen) for s in app.screen_stack)
        assert app.current_mode == "dashboard"


async def test_open_w_with_a_missing_workload_falls_back_to_the_list(filled: str) -> None:
    from textual.widgets import DataTable

    from mllens_tui.app import make_app
    from mllens_tui.app.pilot import settle

    app = make_app(db_url=filled, workload="No such workload")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.current_mode == "workloads"
        table = app.screen.query_one(DataTable)
        assert DEMO_NAME in [str(key.value) for key in table.rows]
        assert any("No such workload" in str(n.message) for n in app._notifications)
