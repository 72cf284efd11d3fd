"""The app driven with keys only, asserting on the database and on what the screen shows."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import DataTable, Static, TextArea

from mllens_tui.app import make_app
from mllens_tui.app.app import MLLensApp
from mllens_tui.app.pilot import settle
from mllens_tui.assessment import NAReason
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.store.service import Store


def text_of(app: MLLensApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.fixture
def store(db_url: str) -> Store:
    return Store.open(db_url)


async def test_first_run_shows_a_welcome_and_creates_a_workload(db_url: str) -> None:
    app = make_app(db_url=db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "Press n to create your first workload" in text_of(app, "#workloads-status")
        await pilot.press("n", *"Fraud scoring", "enter")
        await settle(pilot)
        assert app.current_mode == "dashboard"
        assert "Nothing answered yet" in text_of(app, "#headline")
    assert [w.name for w in Store.open(db_url).list_workloads()] == ["Fraud scoring"]


async def test_answer_five_questions_then_dashboard_and_database_agree(
    db_url: str, store: Store
) -> None:
    store.create_workload("Fraud scoring", builtin_lens())
    app = make_app(db_url=db_url, workload="Fraud scoring")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.current_mode == "dashboard"
        await pilot.press("a")  # the first unanswered question: MLOE-01
        await settle(pilot)
        assert "MLOE-01" in text_of(app, "#q-head")
        await pilot.press("2", "right_square_bracket")  # MLOE-01 = 2
        await pilot.press("4", "right_square_bracket")  # MLOE-02 = 4
        await pilot.press("n")  # MLOE-03 = N/A, reason 2 (business priorities)
        await settle(pilot)
        await pilot.press("2")
        await pilot.press("right_square_bracket", "0")  # MLOE-04 = 0
        await pilot.press("e", *"no owner yet", "escape")  # notes on MLOE-04
        await pilot.press("right_square_bracket", "3")  # MLOE-05 = 3
        await settle(pilot)
        assert "Level 3 Defined" in text_of(app, "#q-state")
        await pilot.press("escape")
        await settle(pilot)
        assert app.current_mode == "dashboard"
        headline = text_of(app, "#headline")
        risks = text_of(app, "#risks")

    answers = Store.open(db_url).answers("Fraud scoring")
    assert {qid: a.level for qid, a in answers.items() if a.level is not None} == {
        "MLOE-01": 2, "MLOE-02": 4, "MLOE-04": 0, "MLOE-05": 3,
    }  # fmt: skip
    assert (
        answers["MLOE-03"].not_applicable
        and answers["MLOE-03"].reason == NAReason.BUSINESS_PRIORITIES
    )
    assert answers["MLOE-04"].notes == "no owner yet"
    # MLOE-01..04 weigh 3, MLOE-05 weighs 2: (3*.5 + 3*1 + 3*0 + 2*.75) / 11 = 54.5%
    assert "Overall 55%" in headline
    assert "Answered 4/104" in headline
    assert "1 high" in risks and "1 medium" in risks and "2 none" in risks and "1 N/A" in risks


async def test_navigate_by_pillar_and_by_phase(db_url: str, store: Store) -> None:
    store.create_workload("W", builtin_lens())
    app = make_app(db_url=db_url, workload="W")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert app.current_mode == "pillars"
        await pilot.press("right")  # Security
        await settle(pilot)
        assert "Security" in text_of(app, "#group-summary")
        await pilot.press("enter")
        await settle(pilot)
        assert "MLSEC-01" in text_of(app, "#q-head")
        await pilot.press("escape", "f")
        await settle(pilot)
        assert app.current_mode == "phases"
        await pilot.press("right", "right")  # Data processing, grouped by pillar
        await settle(pilot)
        assert "Data processing" in text_of(app, "#group-summary")
        table = app.screen.query_one("#questions", DataTable)
        assert table.get_row_at(table.cursor_row)[1] == "MLOE-10"
        await pilot.press("enter")
        await settle(pilot)
        assert "MLOE-10" in text_of(app, "#q-head")
        # In the phase order, the next question after MLOE-11 is MLSEC-03 (same phase).
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert "MLSEC-03" in text_of(app, "#q-head")


async def test_next_unanswered_skips_answered_and_na(db_url: str, store: Store) -> None:
    lens = builtin_lens()
    store.create_workload("W", lens)
    from mllens_tui.assessment import Answer

    store.set_answer("W", Answer("MLOE-02", level=1))
    store.set_answer("W", Answer("MLOE-03", not_applicable=True, reason=NAReason.OTHER))
    app = make_app(db_url=db_url, workload="W", question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "MLOE-01" in text_of(app, "#q-head")
        await pilot.press("right_curly_bracket")
        assert "MLOE-04" in text_of(app, "#q-head")


async def test_cell_of_the_matrix_opens_its_questions(db_url: str, store: Store) -> None:
    store.create_workload("W", builtin_lens())
    app = make_app(db_url=db_url, workload="W")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        matrix = app.screen.query_one("#matrix", DataTable)
        matrix.focus()
        matrix.move_cursor(row=1, column=2)  # Security x Data processing
        await pilot.press("enter")
        await settle(pilot)
        table = app.screen.query_one("#questions", DataTable)
        ids = [table.get_row_at(i)[1] for i in range(table.row_count)]
        assert ids == ["MLSEC-03", "MLSEC-04", "MLSEC-05", "MLSEC-06", "MLSEC-07"]


async def test_help_lists_the_keys_of_the_question_screen(db_url: str, store: Store) -> None:
    store.create_workload("W", builtin_lens())
    app = make_app(db_url=db_url, workload="W", question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        keys = {str(table.get_row_at(i)[0]) for i in range(table.row_count)}
        assert {"0-4", "n", "]", "[", "}", "esc", "e", "t", "c", "o", "u", "x"} <= keys
        await pilot.press("escape")
        assert "MLOE-01" in text_of(app, "#q-head")


async def test_notes_are_saved_while_typing(db_url: str, store: Store) -> None:
    store.create_workload("W", builtin_lens())
    app = make_app(db_url=db_url, workload="W", question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e", *"draft")
        assert isinstance(app.focused, TextArea)
        await pilot.pause(0.8)  # the typing pause after which notes are saved
        await settle(pilot)
        assert Store.open(db_url).answers("W")["MLOE-01"].notes == "draft"


async def test_q_quits_from_the_top_but_types_in_notes(db_url: str, store: Store) -> None:
    store.create_workload("W", builtin_lens())
    app = make_app(db_url=db_url, workload="W", question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e", "q", "2")
        assert app.is_running
        assert app.screen.query_one("#q-notes", TextArea).text == "q2"
        await pilot.press("escape", "escape", "escape")
        await settle(pilot)
        assert app.current_mode == "workloads"
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_unopenable_database_is_reported_in_the_app(tmp_path: Any) -> None:
    bad = tmp_path / "not-a-db.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    app = make_app(db_url=f"sqlite:///{bad}")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "could not be opened" in text_of(app, "#workloads-status")
    assert bad.read_bytes() == b"this is not sqlite" * 100


async def test_a_failed_save_puts_the_previous_answer_back_and_says_why(
    db_url: str, store: Store
) -> None:
    from mllens_tui.store.errors import DatabaseLocked

    store.create_workload("W", builtin_lens())
    app = make_app(db_url=db_url, workload="W", question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)

        def locked(*args: object, **kwargs: object) -> None:
            raise DatabaseLocked("the database is locked by another program")

        assert app.store is not None
        app.store.save_answer = locked  # type: ignore[method-assign]
        await pilot.press("4")
        await settle(pilot)
        assert app.current is not None and app.current.answers["MLOE-01"].level == 2
        assert "Level 2 Repeatable" in text_of(app, "#q-state")
        assert any("locked" in n.message for n in app._notifications)
    assert Store.open(db_url).answers("W")["MLOE-01"].level == 2


async def test_whoever_has_the_keyboard_can_say_who_is_answering(db_url: str, store: Store) -> None:
    store.create_workload("W", builtin_lens())
    app = make_app(db_url=db_url, workload="W", question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"who is answering", "enter")
        await settle(pilot)
        await pilot.press("ctrl+a", "ctrl+k", *"Chidi", "enter", "3")
        await settle(pilot)
    assert Store.open(db_url).answers("W")["MLOE-01"].answered_by == "Chidi"


async def test_an_answer_given_just_before_quitting_is_saved(db_url: str, store: Store) -> None:
    store.create_workload("W", builtin_lens())
    app = make_app(db_url=db_url, workload="W", question="MLOE-01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3", "ctrl+q")
    assert Store.open(db_url).answers("W")["MLOE-01"].level == 3
