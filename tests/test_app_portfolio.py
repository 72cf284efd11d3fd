"""The portfolio screen driven with keys: sort, filter, open a workload, compare two."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from mllens_tui.app import make_app
from mllens_tui.app.app import MLLensApp
from mllens_tui.app.pilot import settle
from mllens_tui.app.screens.compare import CompareScreen
from mllens_tui.app.screens.portfolio import PortfolioScreen
from mllens_tui.cli import main
from mllens_tui.lens.model import Lens
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.paths import builtin_lens_dir
from mllens_tui.store.service import Store
from tests.estate import build_estate, estate_name

NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def estate_file(tmp_path_factory: pytest.TempPathFactory, ml_lens: Lens) -> Path:
    path = tmp_path_factory.mktemp("estate") / "estate.db"
    with Store.open(f"sqlite:///{path}") as store:
        build_estate(store, ml_lens, 30, recent=NOW - timedelta(days=3))
    return path


@pytest.fixture
def estate(db_url: str, estate_file: Path) -> str:
    target = Path(db_url.removeprefix("sqlite:///"))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(estate_file, target)
    return db_url


def table(app: MLLensApp) -> DataTable[object]:
    return app.screen.query_one("#portfolio-table", DataTable)


def names(app: MLLensApp) -> list[str]:
    """The workloads in the order shown (the three summary rows on top left out)."""
    keys = [str(key.value) for key in table(app).rows]
    assert keys[:3] == ["summary:mean", "summary:worst", "summary:spread"]
    return keys[3:]


def cell(app: MLLensApp, row: str, column: str) -> str:
    return str(table(app).get_cell(row, column))


def status(app: MLLensApp) -> str:
    return str(app.screen.query_one("#portfolio-status", Static).render())


async def open_portfolio(app: MLLensApp, pilot: object) -> None:
    await settle(pilot)
    await pilot.press("o")  # type: ignore[attr-defined]
    await settle(pilot)
    assert isinstance(app.screen, PortfolioScreen)


async def test_every_workload_with_pillar_cells_and_the_column_summary(estate: str) -> None:
    app = make_app(db_url=estate)
    async with app.run_test(size=(200, 60)) as pilot:
        await open_portfolio(app, pilot)
        assert names(app) == sorted(estate_name(i) for i in range(30))
        assert status(app).startswith("30 workloads")
        first = estate_name(0)
        # A score reads with its level symbol, never colour alone.
        assert cell(app, first, "pillar:security")[-1] in "○◔◑◕●"
        assert cell(app, first, "change").startswith("↑ +")
        assert cell(app, estate_name(1), "change") == "-"
        assert cell(app, "summary:mean", "pillar:security").endswith("⚠")
        assert not cell(app, "summary:mean", "pillar:operationalExcellence").endswith("⚠")
        shared = str(app.screen.query_one("#portfolio-shared", Static).render())
        assert "Security is below 50% in 24 of 30 workloads" in shared


async def test_sort_by_keys_and_back(estate: str) -> None:
    app = make_app(db_url=estate)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_portfolio(app, pilot)
        await pilot.press("s")  # next column: overall, best first
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PortfolioScreen)
        overall = {r.name: r.overall for r in screen.rows}
        shown = names(app)
        assert [overall[n] for n in shown] == sorted(overall.values(), reverse=True)
        assert "sorted by Overall ↓" in status(app)
        await pilot.press("r")
        await settle(pilot)
        assert [overall[n] for n in names(app)] == sorted(overall.values())
        assert "sorted by Overall ↑" in status(app)
        await pilot.press("less_than_sign")
        await settle(pilot)
        assert names(app) == sorted(estate_name(i) for i in range(30))


async def test_filter_by_tag_and_staleness_then_clear(estate: str) -> None:
    app = make_app(db_url=estate)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_portfolio(app, pilot)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("3")  # any tag, team-a, team-b, ...
        await settle(pilot)
        team_b = {estate_name(i) for i in range(1, 30, 3)}
        assert set(names(app)) == team_b
        assert "10 of 30 workloads" in status(app) and "tag team-b" in status(app)
        await pilot.press("a")  # not assessed in 90 days
        await settle(pilot)
        assert names(app) == []
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("1")  # any tag
        await settle(pilot)
        assert set(names(app)) == {estate_name(i) for i in range(2, 30, 3)}
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("3")  # any, production, staging
        await settle(pilot)
        assert set(names(app)) == {estate_name(i) for i in range(2, 30, 3) if i % 2 == 1}


async def test_enter_opens_the_workload(estate: str) -> None:
    app = make_app(db_url=estate)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_portfolio(app, pilot)
        await pilot.press("down", "down")
        await settle(pilot)
        wanted = names(app)[2]
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "dashboard"
        assert app.current is not None and app.current.name == wanted


async def test_mark_two_and_compare_them(estate: str) -> None:
    app = make_app(db_url=estate)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_portfolio(app, pilot)
        a, b = names(app)[:2]
        await pilot.press("c")  # nothing marked: nothing happens
        await settle(pilot)
        assert isinstance(app.screen, PortfolioScreen)
        await pilot.press("space", "down", "space")
        await settle(pilot)
        assert f"marked: {a}, {b}" in status(app)
        assert cell(app, a, "name").startswith("● ")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        summary = str(app.screen.query_one("#compare-summary", Static).render())
        assert f"({a})" in summary and f"({b})" in summary
        rows = app.screen.query_one("#compare-table", DataTable)
        assert rows.row_count > 0
        moved = [str(rows.get_row_at(i)[4]) for i in range(rows.row_count)]
        values = [float(m) for m in moved if m != "-"]
        assert values == sorted(values, reverse=True)  # where they differ most first
        assert not app.screen.query("#compare-lens-note")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PortfolioScreen)


async def test_workloads_on_different_lenses_compare_on_shared_questions(
    estate: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], ml_lens: Lens
) -> None:
    folder = tmp_path / "lens-v2"
    shutil.copytree(builtin_lens_dir(), folder)
    header = folder / "lens.toml"
    header.write_text(header.read_text().replace('id = "aws-ml-lens"', 'id = "ml-lens-v2"', 1))
    sus = folder / "06-sustainability.toml"
    text = sus.read_text()
    sus.write_text(text[: text.index('[[questions]]\nid = "MLSUS-16"')])
    assert main(["lens", "import", str(folder)]) == 0
    assert main(["--lens", "ml-lens-v2", "workload", "create", "A-00 on v2"]) == 0
    assert main(["answer", "A-00 on v2", "MLOE-01", "4"]) == 0
    capsys.readouterr()
    app = make_app(db_url=estate)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_portfolio(app, pilot)
        assert names(app)[0] == "A-00 on v2"
        await pilot.press("space", "down", "space", "c")
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        note = str(app.screen.query_one("#compare-lens-note", Static).render())
        assert "compared on the 104 questions they share" in note


async def test_a_name_that_looks_like_markup_is_shown_as_written(estate: str) -> None:
    Store.open(estate).create_workload("[b]old [red]name", builtin_lens())
    app = make_app(db_url=estate)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_portfolio(app, pilot)
        assert names(app)[0] == "[b]old [red]name"
        assert cell(app, "[b]old [red]name", "name") == "  [b]old [red]name"
        assert cell(app, "[b]old [red]name", "overall") == "-"


async def test_one_workload_is_counted_in_the_singular(db_url: str, ml_lens: Lens) -> None:
    with Store.open(db_url) as store:
        store.create_workload("Churn model", ml_lens)
    app = make_app(db_url=db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_portfolio(app, pilot)
        assert status(app).startswith("1 workload ·")
