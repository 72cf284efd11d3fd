"""Switching between the areas of the app (pillars, phases, plan, charts, dashboard): a screen
built once is shown again without Textual's fixed delay, so it is brought up to date before it
is drawn; what changed while it was away (an answer, the theme) is on it when it shows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import DataTable, Static

from mllens_tui.app import make_app
from mllens_tui.app.app import MLLensApp
from mllens_tui.app.pilot import settle
from mllens_tui.app.widgets.charts import PillarBarsPlot
from mllens_tui.assessment import Answer
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.store.service import Store


def cell(app: MLLensApp, row: str, column: str) -> str:
    return str(app.screen.query_one(DataTable).get_cell(row, column))


def headline(app: MLLensApp) -> str:
    return str(app.screen.query_one("#headline", Static).render())


def in_plan(app: MLLensApp) -> str | None:
    """MLOE-01's "now" in the plan, None when it is not in the plan."""
    table = app.screen.query_one(DataTable)
    return cell(app, "MLOE-01", "now") if "MLOE-01" in table.rows else None


def operational_excellence(app: MLLensApp) -> float | None:
    spec = app.screen.query_one(PillarBarsPlot).spec
    assert spec is not None
    return next(bar.value for bar in spec.bars if bar.key == "operationalExcellence")


# area, its key, another area's key, what the area shows of MLOE-01 (given level 4 of 4).
SHOWN: dict[str, Callable[[MLLensApp], object]] = {
    "pillars": lambda app: cell(app, "MLOE-01", "level"),
    "phases": lambda app: cell(app, "MLOE-01", "level"),
    "plan": in_plan,
    "charts": operational_excellence,
    "dashboard": lambda app: "Answered 1/" in headline(app),
}
AREAS = [
    ("pillars", "p", "d", "-", "4"),
    ("phases", "f", "d", "-", "4"),
    ("plan", "i", "d", "-", None),  # answered at its target: no longer in the plan
    ("charts", "g", "d", None, 100.0),
    ("dashboard", "d", "p", False, True),
]


@pytest.mark.parametrize(("area", "key", "away", "before", "after"), AREAS)
async def test_a_return_visit_shows_an_answer_given_while_away_before_its_first_frame(
    db_url: str, area: str, key: str, away: str, before: object, after: object
) -> None:
    Store.open(db_url).create_workload("W", builtin_lens())
    app = make_app(db_url=db_url, workload="W")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        shown = SHOWN[area]
        assert shown(app) == before
        await pilot.press(away)
        await settle(pilot)
        assert app.save_answer(Answer("MLOE-01", level=4))
        # Straight after the switch, before the screen has handled its ScreenResume: what
        # Textual draws first already shows the new answer.
        await app.switch_mode(area)
        assert shown(app) == after
        await settle(pilot)
        assert shown(app) == after


async def test_an_answer_from_another_process_shows_on_return_to_a_screen_not_in_view(
    db_url: str,
) -> None:
    store = Store.open(db_url)
    store.create_workload("W", builtin_lens())
    app = make_app(db_url=db_url, workload="W")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert cell(app, "MLOE-01", "level") == "-"
        await pilot.press("d")
        await settle(pilot)
        version = app.answer_version
        store.save_answer("W", Answer("MLOE-01", level=2, answered_by="bob"))
        for _ in range(200):  # the poller runs on its own clock
            if app.answer_version != version:
                break
            await pilot.pause(0.05)
        assert "Answered 1/" in headline(app)
        await pilot.press("p")
        await settle(pilot)
        assert cell(app, "MLOE-01", "level") == "2"


async def test_a_theme_changed_while_an_area_was_away_is_on_it_when_shown(db_url: str) -> None:
    store = Store.open(db_url)
    store.create_workload("W", builtin_lens())
    app = make_app(db_url=db_url, workload="W")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        dark = app.screen.styles.background
        await pilot.press("d")
        await settle(pilot)
        app.theme = "textual-light"
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        light = app.screen.styles.background
        assert light != dark and light.brightness > 0.5
