"""A day of real use at 80x24 (issue 14): each test fails on the app as it was before."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, OptionList, Static

from mllens_tui.app import make_app
from mllens_tui.app.app import MLLensApp
from mllens_tui.app.pilot import settle
from mllens_tui.assessment import Answer, NAReason
from mllens_tui.demo import DEMO_NAME, install_demo
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.store.service import Store


def text_of(app: MLLensApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def screen_text(app: MLLensApp) -> str:
    """What the top screen shows, as plain text lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


@pytest.fixture
def demo_db(db_url: str) -> str:
    install_demo(Store.open(db_url), builtin_lens())
    return db_url


def workload(db_url: str) -> Store:
    store = Store.open(db_url)
    store.create_workload("W", builtin_lens())
    store.set_answer("W", Answer("MLOE-01", level=1))
    store.set_answer("W", Answer("MLSEC-01", level=2))
    return store


# -- the question opens at its top --------------------------------------------------------------


@pytest.mark.parametrize("how", [("a",), ("p", "enter")])
async def test_a_question_opens_with_its_id_title_and_prompt_in_view(
    demo_db: str, how: tuple[str, ...]
) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in how:
            await pilot.press(key)
            await settle(pilot)
        body = app.screen.query_one("#question-body")
        assert body.scroll_y == 0
        for part in ("#q-head", "#q-title", "#q-prompt"):
            region = app.screen.query_one(part).region
            assert body.region.contains_region(region), part


# -- dialogs: 0-4 are levels everywhere on the question screen ----------------------------------


async def test_target_dialog_number_keys_are_levels(db_url: str) -> None:
    workload(db_url)
    app = make_app(db_url=db_url, workload="W", question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t", "4")
        await settle(pilot)
        assert "target 4" in text_of(app, "#q-state")
        await pilot.press("t", "d")
        await settle(pilot)
        assert "target 3 (default)" in text_of(app, "#q-state")
    assert Store.open(db_url).answers("W")["MLOE-01"].target is None


async def test_na_other_asks_for_an_explanation_and_keeps_it_in_the_notes(db_url: str) -> None:
    workload(db_url)
    app = make_app(db_url=db_url, workload="W", question="MLOE-02")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", "o")  # Other
        await settle(pilot)
        assert isinstance(app.focused, Input)
        await pilot.press("enter")  # empty: refused
        await settle(pilot)
        assert "why it does not apply" in str(app.screen.query_one("#na-error").render())
        await pilot.press(*"batch only", "enter")
        await settle(pilot)
        assert "N/A" in text_of(app, "#q-state")
        await pilot.press("right_square_bracket")  # leaving flushes the notes box
        await settle(pilot)
    answer = Store.open(db_url).answers("W")["MLOE-02"]
    assert answer.reason == NAReason.OTHER
    assert answer.notes == "N/A: batch only"


async def test_dialog_text_wraps_instead_of_being_cut(db_url: str) -> None:
    workload(db_url)
    app = make_app(db_url=db_url, workload="W", question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        shown = screen_text(app)
        assert "checked by" in shown and "someone else" in shown
        await pilot.press("2")  # a level key means nothing here: not "Asserted"
        await pilot.press("v")
        await settle(pilot)
        assert "verified" in text_of(app, "#q-state")


# -- plan export ---------------------------------------------------------------------------------


async def test_plan_export_writes_the_filtered_plan_every_item(
    demo_db: str, tmp_path: Path
) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    out = tmp_path / "plan.md"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i", "P", "6")  # the sixth pillar option: Cost (All is first)
        await settle(pilot)
        table = app.screen.query_one("#plan-table", DataTable)
        shown = [
            str(k.value)
            for k in table.rows
            if not str(k.value).startswith("heading:") and str(k.value).startswith("MLCOST")
        ]
        await pilot.press("M", "ctrl+u", *str(out), "enter")
        await settle(pilot)
    text = out.read_text()
    assert "Filtered by pillar Cost" in text
    assert len(shown) > 10
    for qid in shown:
        assert qid in text
    assert "MLSEC-" not in text


async def test_plan_filter_is_not_carried_to_another_workload(demo_db: str) -> None:
    workload(demo_db)
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i", "P", "3")
        await settle(pilot)
        assert "filtered by" in text_of(app, "#plan-summary")
        app.open_workload("W")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert "filtered by" not in text_of(app, "#plan-summary")


# -- q and escape ------------------------------------------------------------------------------


@pytest.mark.parametrize("area", ["p", "f", "i", "h", "g", "d"])
async def test_q_on_an_inner_screen_asks_before_quitting(demo_db: str, area: str) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(area)
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running
        assert "Quit mllens?" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert app.is_running
        await pilot.press("q", "y")
        await settle(pilot)
        assert not app.is_running


async def test_escape_from_a_read_only_milestone_returns_to_the_history(demo_db: str) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h", "enter")  # the oldest milestone, read-only
        await settle(pilot)
        assert app.current is not None and app.current.read_only
        await pilot.press("escape")
        await settle(pilot)
        assert app.current_mode == "history"
        assert not app.current.read_only


# -- x explains the score on every screen with a score -------------------------------------------


@pytest.mark.parametrize("area", ["i", "h", "g"])
async def test_x_explains_on_plan_history_and_charts(demo_db: str, area: str) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(area, "x")
        await settle(pilot)
        assert type(app.screen).__name__ == "ExplainScreen"


# -- the By column of a cleared answer ---------------------------------------------------------


async def test_clearing_an_answer_records_who_cleared_it(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLLENS_USER", "ana")
    workload(db_url)
    app = make_app(db_url=db_url, workload="W", question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("x")  # clear the answer
        await settle(pilot)
    changes = Store.open(db_url).answer_history("W", "MLOE-01")
    assert changes[-1].field == "level" and changes[-1].new is None
    assert changes[-1].by == "ana"


# -- search and one question's history ---------------------------------------------------------


async def test_search_finds_by_id_and_words_and_opens_the_question(demo_db: str) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p", "slash", *"mlsec-05")
        await settle(pilot)
        results = app.screen.query_one("#search-results", OptionList)
        assert results.get_option_at_index(0).id == "MLSEC-05"
        await pilot.press("ctrl+u", *"license")
        await settle(pilot)
        ids = [results.get_option_at_index(i).id for i in range(results.option_count)]
        assert ids and "MLSEC-05" not in ids
        await pilot.press("enter")
        await settle(pilot)
        assert ids[0] in text_of(app, "#q-head")
        assert app.screen.query_one("#question-body").scroll_y == 0


async def test_search_finds_words_in_notes(db_url: str) -> None:
    store = workload(db_url)
    store.set_answer("W", Answer("MLREL-03", level=1, notes="ask Priya about the rollback"))
    app = make_app(db_url=db_url, workload="W")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"priya rollback")
        await settle(pilot)
        results = app.screen.query_one("#search-results", OptionList)
        assert [results.get_option_at_index(i).id for i in range(results.option_count)] == [
            "MLREL-03"
        ]


async def test_a_questions_answer_history_from_the_question_and_from_search(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLLENS_USER", "ana")
    workload(db_url)
    app = make_app(db_url=db_url, workload="W", question="MLOE-01")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("3", "e", *"owner found", "escape")
        await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        table = app.screen.query_one("#changes-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[2:] for r in rows] == [
            ["Level", "-", "1 Initial"],
            ["Level", "1 Initial", "3 Defined"],
            ["Notes", "-", "owner found"],
        ]
        assert rows[1][1] == "ana"
        await pilot.press("escape", "escape", "slash", *"MLOE-01", "ctrl+r")
        await settle(pilot)
        assert "3 changes" in text_of(app, "#changes-summary")


# -- help ----------------------------------------------------------------------------------------


async def test_help_lists_the_screens_own_keys_first_each_once_in_words(db_url: str) -> None:
    workload(db_url)
    app = make_app(db_url=db_url, workload="W", question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
    keys = [r[0] for r in rows]
    assert rows[0][0] == "This screen"
    assert rows[1] == ["0-4", "Set the level"]
    assert "super+c" not in keys and "up" not in keys and "tab" not in keys
    assert keys.count("ctrl+q") == 1 and keys.count("ctrl+p") == 1
    assert keys.index("H") < keys.index("Everywhere") < keys.index("/")
    assert all(k.strip() for k in keys)


# -- everything fits the width: no sideways scrolling, cuts marked with an ellipsis -----------


@pytest.mark.parametrize(
    ("size", "presses"),
    [
        ((80, 24), ()),  # the workload list
        ((80, 24), ("enter", "escape")),  # the list again, filled after it was laid out
        ((80, 24), ("enter", "x")),  # explain
        ((80, 24), ("enter", "p")),
        ((80, 24), ("enter", "i")),
        ((80, 24), ("enter", "h")),
        ((80, 24), ("enter", "h", "space", "down", "down", "down", "c")),  # compare
        ((60, 20), ()),
        ((60, 20), ("enter",)),  # the dashboard and its matrix
        ((60, 20), ("enter", "x")),
        ((60, 20), ("enter", "h", "space", "down", "down", "down", "c")),
    ],
)
async def test_every_table_fits_its_width(
    demo_db: str, size: tuple[int, int], presses: tuple[str, ...]
) -> None:
    app = make_app(db_url=demo_db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
            await settle(pilot)
        tables = list(app.screen.query(DataTable))
        assert tables
        for table in tables:
            room = table.scrollable_content_region.width
            parent = table.parent
            if parent is not None and parent.scrollable_content_region.width:
                room = min(room, parent.scrollable_content_region.width)
            assert table.virtual_size.width <= room, (table.id, table.virtual_size, room)


async def test_long_titles_are_cut_with_an_ellipsis(demo_db: str) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert "Secure data and modeling envir…" in screen_text(app)


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_the_dashboard_footer_keeps_its_important_keys(
    demo_db: str, size: tuple[int, int]
) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
    assert "a Answer" in footer and "esc Workloads" in footer and "h History" in footer


async def test_a_large_dashboard_names_pillars_in_full(demo_db: str) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        shown = screen_text(app)
    assert shown.count("Operational Excellence") >= 2  # the bars and the matrix
    assert "Sustain " not in shown
    # The room below the matrix lists the top of the plan, down to the footer.
    lines = shown.splitlines()
    assert "Biggest gaps to target" in shown
    assert "more in the plan" in lines[-2]


# -- NO_COLOR and 16 colours ---------------------------------------------------------------------


async def test_no_color_cursor_row_differs_from_the_header(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.filter import monochrome_style

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        cursor = monochrome_style(table.get_component_rich_style("datatable--cursor"))
        header = monochrome_style(table.get_component_rich_style("datatable--header"))
    assert cursor != header
    assert cursor.reverse


async def test_sixteen_colours_keep_amber_amber(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mllens_tui.app.widgets.heatmap import HeatmapTable

    monkeypatch.setattr("textual.constants.COLOR_SYSTEM", "standard")
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        matrix = app.screen.query_one(HeatmapTable)
        cell = next(
            c
            for row in matrix.spec.rows  # type: ignore[union-attr]
            for c in row.cells
            if c.score is not None and 0.5 <= c.score < 0.75
        )
        style = matrix.cell_text(cell).style
    assert str(style) == "yellow"


# -- the history chart: ticks, target and points line up; "Now" is a point -------------------


def _tick_rows(lines: list[str]) -> dict[int, int]:
    ticks = {}
    for row, line in enumerate(lines):
        head = line[:4].strip().rstrip("┤├").strip()
        if head.isdigit() and line[3:4] in ("┤", "├"):
            ticks[int(head)] = row
    return ticks


@pytest.mark.parametrize("size", [(200, 60), (200, 51), (120, 40), (80, 24), (60, 20), (40, 12)])
@pytest.mark.parametrize("target", [0.6, 0.75, 0.7617, 0.9])
def test_history_target_line_sits_on_a_tick_of_its_value(
    size: tuple[int, int], target: float
) -> None:
    from datetime import UTC, datetime, timedelta

    from mllens_tui.charts import history_chart, render_history
    from mllens_tui.history import HistoryPoint

    start = datetime(2026, 3, 1, tzinfo=UTC)
    values = [0.39, 0.5, 0.58, 0.66]
    points = [
        HistoryPoint(start + timedelta(days=60 * i), f"m{i}", v) for i, v in enumerate(values)
    ]
    lines = render_history(history_chart(builtin_lens(), points, target=target), *size).splitlines()
    ticks = _tick_rows(lines)
    target_rows = [r for r, line in enumerate(lines) if line[3:4] == "├"]
    assert len(target_rows) == 1
    (row,) = target_rows
    label = next(value for value, tick_row in ticks.items() if tick_row == row)
    # The tick says the target, or a value within half a row of it.
    rows_per_point = (ticks[0] - ticks[100]) / 100
    assert abs(label - target * 100) * rows_per_point <= 0.5 + 1e-9
    assert abs(row - (ticks[0] - target * 100 * rows_per_point)) <= 0.5 + 1e-9


async def test_the_history_chart_plots_now(demo_db: str) -> None:
    from mllens_tui.app.widgets.charts import HistoryPlot

    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        spec = app.screen.query_one(HistoryPlot).spec
        scores = app.scores()
    assert spec is not None and scores is not None and scores.overall.score is not None
    assert spec.labels[-1] == "Now"
    assert spec.series[0].values[-1] == pytest.approx(scores.overall.score * 100)


# -- words: singular and plural, files that are not there --------------------------------------


async def test_one_of_a_kind_reads_in_the_singular(db_url: str) -> None:
    store = Store.open(db_url)
    store.create_workload("W", builtin_lens())
    store.set_answer("W", Answer("MLOE-01", level=1))
    store.create_milestone("W", "Q4", builtin_lens())
    store.set_answer("W", Answer("MLOE-01", level=3))
    app = make_app(db_url=db_url, workload="W")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        formula = text_of(app, "#explain-formula")
        await pilot.press("escape", "h", "space", "down", "c")  # Q4 against now
        await settle(pilot)
        summary = text_of(app, "#compare-summary")
    assert "1 answered question counts" in formula
    assert "1 question changed" in summary


async def test_importing_a_missing_file_says_it_cannot_be_read(db_url: str) -> None:
    app = make_app(db_url=db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.action_import()
        await settle(pilot)
        await pilot.press(*"/nowhere/w.toml", "enter")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
    assert any("cannot be read" in m and "no such file" in m for m in messages)
    assert not any("not valid" in m for m in messages)


@pytest.mark.parametrize("area", ["i", "h", "g", "p", "x"])
async def test_inner_footers_keep_the_way_back_at_60_columns(demo_db: str, area: str) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.press(area)
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
    assert "esc Back" in footer
