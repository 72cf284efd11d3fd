"""The plan screen's owners, due dates and sort, and the trash behind the app's delete, driven
with keys and checked on screen and in the database."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Label, Static

from mllens_tui.app import make_app
from mllens_tui.app.app import MLLensApp
from mllens_tui.app.pilot import settle
from mllens_tui.app.screens.dialogs import Confirm
from mllens_tui.app.screens.plan_owner import OwnerDialog
from mllens_tui.assessment import Answer, Ownership
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.store.service import Store


def _workload(db_url: str) -> None:
    with Store.open(db_url) as store:
        store.create_workload("fraud", builtin_lens())
        store.set_answer("fraud", Answer("MLOE-01", level=0))  # most urgent
        store.set_answer("fraud", Answer("MLOE-02", level=2))
        store.set_answer("fraud", Answer("MLOE-03", level=1))


def _rows(app: MLLensApp) -> list[list[str]]:
    table = app.screen.query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def _open_plan(pilot: object) -> None:
    await settle(pilot)
    await pilot.press("i")  # type: ignore[attr-defined]
    await settle(pilot)


async def test_owner_dialog_sets_owner_and_due_shown_in_columns(db_url: str) -> None:
    _workload(db_url)
    app = make_app(db_url=db_url, workload="fraud")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_plan(pilot)
        assert app.current_mode == "plan"
        rows = _rows(app)
        assert [r[1] for r in rows[:3]] == ["MLOE-01", "MLOE-03", "MLOE-02"]
        await pilot.press("down")  # MLOE-03
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, OwnerDialog)
        await pilot.press(*"Ana Lima", "tab", *"2027-02-30", "enter")
        await settle(pilot)
        error = str(app.screen.query_one("#owner-error", Label).render())
        assert "Due date: expected a date such as 2027-03-31, got '2027-02-30'" in error
        due = app.screen.query_one("#owner-due")
        due.value = ""  # type: ignore[attr-defined]
        await pilot.press(*"2027-03-31", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, OwnerDialog)
        row = _rows(app)[1]
        assert row[1] == "MLOE-03" and row[-2:] == ["Ana Lima", "2027-03-31"]
        table = app.screen.query_one(DataTable)
        assert table.cursor_row == 1  # the cursor stays on the item
        # At 80 columns every column fits; the title is cut with an ellipsis.
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= 80
        rendered = "\n".join("".join(seg.text for seg in table.render_line(y)) for y in range(1, 4))
        assert "…" in rendered and "2027-03-31" in rendered
    with Store.open(db_url) as store:
        assert store.plan_owners("fraud") == {"MLOE-03": Ownership("Ana Lima", date(2027, 3, 31))}


async def test_a_bad_owner_name_is_refused_and_escape_changes_nothing(db_url: str) -> None:
    _workload(db_url)
    app = make_app(db_url=db_url, workload="fraud")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_plan(pilot)
        await pilot.press("o")
        await settle(pilot)
        # A terminal cannot type ESC into an input; a paste can bring one.
        app.screen.query_one("#owner-name").value = "bad\x1bname"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        error = str(app.screen.query_one("#owner-error", Label).render())
        assert "control character" in error
        await pilot.press("escape")
        await settle(pilot)
        assert app.current_mode == "plan" and not isinstance(app.screen, OwnerDialog)
    with Store.open(db_url) as store:
        assert store.plan_owners("fraud") == {}


async def test_sort_key_cycles_priority_and_due_date(db_url: str) -> None:
    _workload(db_url)
    with Store.open(db_url) as store:
        store.set_ownership("fraud", "MLOE-02", Ownership("Bo", date(2027, 1, 1)))
        store.set_ownership("fraud", "MLOE-03", Ownership(due=date(2027, 6, 1)))
    app = make_app(db_url=db_url, workload="fraud")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_plan(pilot)
        assert [r[1] for r in _rows(app)[:3]] == ["MLOE-01", "MLOE-03", "MLOE-02"]
        await pilot.press("s")
        await settle(pilot)
        rows = _rows(app)
        assert [r[1] for r in rows[:3]] == ["MLOE-02", "MLOE-03", "MLOE-01"]
        assert [r[0] for r in rows[:3]] == ["3", "2", "1"]  # the rank stays the priority's
        summary = str(app.screen.query_one("#plan-summary", Static).render())
        assert "by due date" in summary
        await pilot.press("s")
        await settle(pilot)
        assert [r[1] for r in _rows(app)[:3]] == ["MLOE-01", "MLOE-03", "MLOE-02"]


async def test_delete_in_the_app_says_how_to_restore_and_trashes(db_url: str) -> None:
    _workload(db_url)
    app = make_app(db_url=db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        detail = " ".join(str(label.render()) for label in app.screen.query(Label))
        assert "can be restored for 30 days" in detail
        assert "mllens workload restore fraud" in detail
        await pilot.press("y")
        await settle(pilot)
    with Store.open(db_url) as store:
        assert store.list_workloads() == []
        assert [t.name for t in store.trash()] == ["fraud"]
        store.restore_workload("fraud")
        assert store.answers("fraud")["MLOE-01"].level == 0
