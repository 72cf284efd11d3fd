"""Nothing typed is lost: every key's effect is in the database after the app ends, with no
pause between typing and quitting; and a change that drops an N/A can be undone."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, TextArea

from mllens_tui.app import make_app
from mllens_tui.app.app import MLLensApp
from mllens_tui.app.pilot import settle
from mllens_tui.assessment import Answer, Confidence, NAReason
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.store.service import Store

NOTE = "Owner: Ana (ML platform); reviewed 2026-11-30, see ADR-7 & runbook #4 -- ok?"


@pytest.fixture
def workload(db_url: str) -> str:
    Store.open(db_url).create_workload("W", builtin_lens())
    return "W"


def stored(db_url: str, question: str) -> Answer:
    return Store.open(db_url).answers("W")[question]


def notifications(app: MLLensApp) -> list[str]:
    return [n.message for n in app._notifications]


@pytest.mark.parametrize(
    "leave",
    [("ctrl+q",), ("escape", "ctrl+q"), ("escape", "escape", "q")],
    ids=["ctrl+q", "escape then ctrl+q", "back to the dashboard then q"],
)
async def test_notes_typed_then_quit_at_once_are_saved(
    db_url: str, workload: str, leave: tuple[str, ...]
) -> None:
    app = make_app(db_url=db_url, workload=workload, question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e", *NOTE, *leave)
    assert stored(db_url, "MLOE-01").notes == NOTE


@pytest.mark.parametrize("leave", [("ctrl+q",), ("escape", "ctrl+q")])
async def test_evidence_typed_then_quit_at_once_is_saved(
    db_url: str, workload: str, leave: tuple[str, ...]
) -> None:
    app = make_app(db_url=db_url, workload=workload, question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("v", *"https://wiki.example/ml/owners#fraud", *leave)
    assert stored(db_url, "MLOE-01").evidence == "https://wiki.example/ml/owners#fraud"


async def test_notes_typed_on_the_previous_question_are_saved_when_moving_on_then_quitting(
    db_url: str, workload: str
) -> None:
    app = make_app(db_url=db_url, workload=workload, question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e", *"first", "escape", "right_square_bracket", "e", *"second")
        await pilot.press("ctrl+q")
    assert stored(db_url, "MLOE-01").notes == "first"
    assert stored(db_url, "MLOE-02").notes == "second"


async def test_every_field_given_just_before_quitting_is_saved(db_url: str, workload: str) -> None:
    app = make_app(db_url=db_url, workload=workload, question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # MLOE-01: level 1, target 3 (the target dialog's keys are the levels), confidence
        # evidenced (key e of: n not stated, a asserted, e evidenced, v verified), notes, evidence.
        await pilot.press("1", "t", "3", "c", "e", "e", *"half done", "escape")
        await pilot.press("v", *"JIRA-12", "enter")
        # MLOE-02: N/A for architecture constraints (reason 3), and quit in the same breath.
        await pilot.press("right_square_bracket", "n", "3", "ctrl+q")
    first = stored(db_url, "MLOE-01")
    assert (first.level, first.target, first.confidence) == (1, 3, Confidence.EVIDENCED)
    assert (first.notes, first.evidence) == ("half done", "JIRA-12")
    second = stored(db_url, "MLOE-02")
    assert second.not_applicable and second.reason == NAReason.ARCHITECTURE_CONSTRAINTS


async def test_notes_are_saved_when_a_dialog_opens_over_them(db_url: str, workload: str) -> None:
    app = make_app(db_url=db_url, workload=workload, question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e", *"before the palette", "ctrl+p")
        await settle(pilot)
        assert stored(db_url, "MLOE-01").notes == "before the palette"
        await pilot.press("escape")


# -- N/A replaced by a level key, and undo ----------------------------------------------------


async def test_a_level_key_on_an_na_question_says_so_and_u_puts_it_back(
    db_url: str, workload: str
) -> None:
    Store.open(db_url).set_answer(
        "W",
        Answer(
            "MLOE-01",
            not_applicable=True,
            reason=NAReason.OUT_OF_SCOPE,
            notes="batch only",
            evidence="ADR-3",
            confidence=Confidence.VERIFIED,
            answered_by="Ana",
        ),
    )
    before = stored(db_url, "MLOE-01")
    app = make_app(db_url=db_url, workload=workload, question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert "N/A (Out of scope) replaced by level 2 — press u to undo" in notifications(app)
        replaced = stored(db_url, "MLOE-01")
        assert (replaced.level, replaced.not_applicable, replaced.reason) == (2, False, None)

        await pilot.press("u")
        await settle(pilot)
        assert stored(db_url, "MLOE-01") == before
        assert "N/A (Out of scope)" in str(app.screen.query_one("#q-state").render())


async def test_u_undoes_several_changes_newest_first_even_on_other_questions(
    db_url: str, workload: str
) -> None:
    app = make_app(db_url=db_url, workload=workload, question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1", "e", *"typed", "escape", "3", "right_square_bracket", "4")
        await settle(pilot)
        assert stored(db_url, "MLOE-02").level == 4

        await pilot.press("u")  # MLOE-02 back to unanswered
        await settle(pilot)
        assert "MLOE-02" not in Store.open(db_url).answers("W")
        await pilot.press("u")  # MLOE-01: level 3 back to 1, and the screen shows MLOE-01
        await settle(pilot)
        assert "MLOE-01" in str(app.screen.query_one("#q-head").render())
        assert (stored(db_url, "MLOE-01").level, stored(db_url, "MLOE-01").notes) == (1, "typed")
        await pilot.press("u")  # the notes go, and the box shows it
        await settle(pilot)
        assert stored(db_url, "MLOE-01").notes == ""
        assert app.screen.query_one("#q-notes", TextArea).text == ""
        await pilot.press("u")  # the first answer goes
        await settle(pilot)
        assert "MLOE-01" not in Store.open(db_url).answers("W")
        await pilot.press("u")
        await settle(pilot)
        assert any("Nothing to undo" in message for message in notifications(app))
        assert app.screen.query_one("#q-evidence", Input).value == ""


async def test_help_lists_undo_and_clear(db_url: str, workload: str) -> None:
    app = make_app(db_url=db_url, workload=workload, question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        rows = {str(table.get_row_at(i)[0]): table.get_row_at(i) for i in range(table.row_count)}
        assert "Undo" in str(rows["u"]) and "Clear answer" in str(rows["x"])
