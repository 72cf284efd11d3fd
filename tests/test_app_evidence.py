"""The question screen shows both ids, an organisation scope, and what shows each level."""

from __future__ import annotations

from textual.widgets import Input, OptionList, Static

from mllens_tui.app import make_app
from mllens_tui.app.app import MLLensApp
from mllens_tui.app.pilot import settle
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.store.service import Store


def text_of(app: MLLensApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def level_texts(app: MLLensApp) -> list[str]:
    levels = app.screen.query_one("#q-levels", OptionList)
    return [
        "".join(seg.text for seg in levels.render_line(y))
        for y in range(levels.virtual_size.height)
    ]


async def test_opened_by_2025_id_the_header_shows_both_ids_and_the_scope(db_url: str) -> None:
    Store.open(db_url).create_workload("W", builtin_lens())
    app = make_app(db_url=db_url, workload="W", question="mlops01-bp01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        head = text_of(app, "#q-head")
        assert "MLOE-01 · MLOPS01-BP01" in head
        assert "Scope: the organisation around this workload" in head
        await pilot.press("right_square_bracket")  # MLOE-02 is about the workload itself
        head = text_of(app, "#q-head")
        assert "MLOE-02 · MLOPS01-BP02" in head and "Scope" not in head


async def test_each_level_shows_its_evidence_and_the_box_asks_for_the_chosen_ones(
    db_url: str,
) -> None:
    lens = builtin_lens()
    question = lens.question("MLOE-02")
    assert question is not None
    Store.open(db_url).create_workload("W", lens)
    app = make_app(db_url=db_url, workload="W", question="MLOE-02")
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        evidence_box = app.screen.query_one("#q-evidence", Input)
        assert evidence_box.placeholder.startswith("https://")  # no level chosen yet
        await pilot.press("2")
        await settle(pilot)
        assert evidence_box.placeholder == f"Level 2: {question.evidence[2]}"
        shown = "\n".join(level_texts(app))
        assert f"Evidence: {question.evidence[0][:40]}" in shown
        assert f"Evidence: {question.evidence[4][:40]}" in shown
