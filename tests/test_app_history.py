"""History, milestones, compare, plan and explain, driven with keys on a real database."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from mllens_tui.app import make_app
from mllens_tui.app.app import MLLensApp
from mllens_tui.app.pilot import settle
from mllens_tui.assessment import Answer, Profile
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.store.service import Store


def text_of(app: MLLensApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def rows(app: MLLensApp, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def workload(db_url: str) -> Store:
    store = Store.open(db_url)
    store.create_workload("W", builtin_lens())
    store.set_answer("W", Answer("MLOE-01", level=1))
    store.set_answer("W", Answer("MLSEC-01", level=2))
    return store


async def test_save_a_milestone_then_compare_it_with_now(db_url: str) -> None:
    workload(db_url)
    app = make_app(db_url=db_url, workload="W", question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "m", *"Q4", "enter")  # milestone from the dashboard
        await settle(pilot)
        await pilot.press("a", "4", "escape", "h")  # MLOE-02 answered after the milestone
        await settle(pilot)
        assert [r[1] for r in rows(app, "#milestones")] == ["Q4", "Now (current answers)"]
        await pilot.press("space", "down", "c")
        await settle(pilot)
        changed = rows(app, "#compare-table")
        assert changed[0][:4] == ["MLOE-02", "answered", "-", "L4"]
        assert "Overall" in text_of(app, "#compare-summary")
    milestone = Store.open(db_url).milestone_snapshot("W", "Q4")
    assert set(milestone.answers) == {"MLOE-01", "MLSEC-01"}


async def test_a_milestone_opens_read_only(db_url: str) -> None:
    store = workload(db_url)
    store.create_milestone("W", "Q4", builtin_lens())
    app = make_app(db_url=db_url, workload="W")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h", "enter")  # the cursor is on the milestone
        await settle(pilot)
        assert app.current is not None and app.current.read_only
        assert "read-only milestone Q4" in app.screen.sub_title
        await pilot.press("a", "3")
        await settle(pilot)
    assert Store.open(db_url).answers("W")["MLOE-01"].level == 1  # nothing was written


async def test_plan_filters_by_risk_and_explain_shows_the_formula(db_url: str) -> None:
    workload(db_url)
    app = make_app(db_url=db_url, workload="W")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert [r[1] for r in rows(app, "#plan-table")[:2]] == ["MLOE-01", "MLSEC-01"]
        await pilot.press("R", "2")  # risk filter: High risk
        await settle(pilot)
        assert rows(app, "#plan-table")[0][1] == "MLOE-01"
        assert "MLSEC-01" not in [r[1] for r in rows(app, "#plan-table")]
        await pilot.press("escape", "x")
        await settle(pilot)
        # (3 x .25 + 3 x .5) / 6 = 37.5%
        assert "Overall: 37.5%" in text_of(app, "#explain-formula")
        assert "2.25 / 6.00" in text_of(app, "#explain-formula")
        assert [r[0] for r in rows(app, "#explain-table")[:2]] == ["MLSEC-01", "MLOE-01"]


async def test_a_long_history_fills_its_table_in_order_once(db_url: str) -> None:
    from mllens_tui.app.screens.history import FILL_BATCH

    store = workload(db_url)
    lens = builtin_lens()
    names = [f"review {i:03d}" for i in range(FILL_BATCH * 2 + 30)]
    for index, name in enumerate(names):
        store.set_answer("W", Answer("MLOE-01", level=index % 5))
        store.create_milestone("W", name, lens)
    app = make_app(db_url=db_url, workload="W")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        table = app.screen.query_one("#milestones", DataTable)
        for _ in range(200):  # the first rows (the rest may still be coming in)
            await pilot.pause()
            if table.row_count:
                break
        await pilot.press("space")  # marks the first row
        await pilot.press("m", *"late", "enter")  # a reload, maybe while the table fills
        for _ in range(200):
            await settle(pilot)
            if table.row_count == len(names) + 2:
                break
        shown = rows(app, "#milestones")
        assert [r[1] for r in shown] == [*names, "late", "Now (current answers)"]
        assert [r[0] for r in shown].count("*") == 1 and shown[0][0] == "*"
        assert f"{len(names) + 1} milestones" in text_of(app, "#history-summary")


async def test_an_answer_changed_moves_now_and_keeps_the_cursor(db_url: str) -> None:
    from mllens_tui.formatting import pct
    from mllens_tui.scoring import score

    store = workload(db_url)
    lens = builtin_lens()
    store.create_milestone("W", "Q4", lens)
    app = make_app(db_url=db_url, workload="W")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("down")  # onto "Now"
        before = rows(app, "#milestones")
        await pilot.press("escape", "a", "4", "escape", "h")  # MLOE-02 answered
        await settle(pilot)
        after = rows(app, "#milestones")
        table = app.screen.query_one("#milestones", DataTable)
        assert table.cursor_row == 1
    now = score(lens, Store.open(db_url).answers("W"), Profile()).overall.score
    assert before[0] == after[0]
    assert after[1][1] == "Now (current answers)" and after[1][3] == pct(now) != before[1][3]
    assert after[1][4].endswith(
        f"{(now - store.get_milestone('W', 'Q4').overall_score) * 100:+.1f}"
    )
