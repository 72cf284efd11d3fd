"""Two apps on one database, as two terminals in a workshop room: what one does appears in
the other without a key press; a stale answer shows the conflict and overwrites nothing until
the user chooses; the workshop flow from the keyboard."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import DataTable, Digits, Static
from textual.widgets._header import HeaderTitle

from mllens_tui.app import make_app
from mllens_tui.app.app import MLLensApp
from mllens_tui.app.pilot import settle
from mllens_tui.app.screens.conflict import ConflictDialog
from mllens_tui.assessment import Answer
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.store.service import Store
from mllens_tui.workshop import Ballot


def text_of(app: MLLensApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def until(pilot: Pilot[None], done: Callable[[], bool], what: str) -> None:
    """Let the app run until ``done`` (its poller works on its own clock); fail after a
    generous bound so that a broken poller fails the test rather than hanging it."""
    for _ in range(200):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}")


def notices(app: MLLensApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_an_answer_given_in_one_app_appears_in_the_other(db_url: str) -> None:
    Store.open(db_url).create_workload("W", builtin_lens())
    ann = make_app(db_url=db_url, workload="W", question="MLOE-02")
    bob = make_app(db_url=db_url, workload="W", question="MLOE-02")
    ann.participant, bob.participant = "ann", "bob"
    async with ann.run_test(size=(80, 24)) as pa, bob.run_test(size=(80, 24)) as pb:
        await settle(pa)
        await settle(pb)
        assert "Unanswered" in text_of(ann, "#q-state")
        header = str(ann.screen.query_one(HeaderTitle).render())
        assert header.endswith("ann answering")
        await pb.press("1")
        await settle(pb)
        await until(pa, lambda: "Level 1" in text_of(ann, "#q-state"), "ann sees bob's level")
        assert "bob" in text_of(ann, "#q-state")
        assert "bob set MLOE-02 to level 1" in notices(ann)
        assert ann.current is not None and ann.current.revisions["MLOE-02"] == 1
        # Back on ann's dashboard, the score is the database's.
        await pa.press("escape")
        await settle(pa)
        assert "Answered 1/" in text_of(ann, "#headline")


async def test_a_stale_answer_shows_both_and_overwrites_nothing_until_chosen(
    db_url: str,
) -> None:
    store = Store.open(db_url)
    store.create_workload("W", builtin_lens())
    app = make_app(db_url=db_url, workload="W", question="MLOE-02")
    app.participant = "ann"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Bob answers from another process; ann's app has not polled yet and presses 3.
        app.seen_counter = None
        store.set_answer("W", Answer("MLOE-02", level=1, answered_by="bob"))
        assert app.current is not None
        app.current.revisions["MLOE-02"] = 0
        await pilot.press("3")
        await settle(pilot)
        await until(pilot, lambda: isinstance(app.screen, ConflictDialog), "the conflict dialog")
        dialog = app.screen
        assert isinstance(dialog, ConflictDialog)
        theirs = str(dialog.query_one("#conflict-theirs", Static).render())
        mine = str(dialog.query_one("#conflict-mine", Static).render())
        assert "bob" in theirs and "Level 1" in theirs and "Level 3" in mine
        assert store.answers("W")["MLOE-02"].level == 1  # nothing overwritten yet
        await pilot.press("m")  # take mine
        await settle(pilot)
        stored = store.answers("W")["MLOE-02"]
        assert (stored.level, stored.answered_by) == (3, "ann")
        # And keeping theirs writes nothing.
        store.set_answer("W", Answer("MLOE-02", level=0, answered_by="bob"))
        app.current.revisions["MLOE-02"] = 2
        app.current.answers["MLOE-02"] = stored
        await pilot.press("4")
        await settle(pilot)
        await until(pilot, lambda: isinstance(app.screen, ConflictDialog), "a second conflict")
        await pilot.press("t")
        await settle(pilot)
        assert store.answers("W")["MLOE-02"].level == 0
        assert "Level 0" in text_of(app, "#q-state")


async def test_workshop_ballots_are_hidden_then_revealed_and_agreed(db_url: str) -> None:
    store = Store.open(db_url)
    store.create_workload("W", builtin_lens())
    store.start_workshop("W", by="fay")
    app = make_app(db_url=db_url, workload="W", question="MLOE-01")
    app.participant = "ann"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")  # ann's own ballot, not the answer
        await settle(pilot)
        await until(pilot, lambda: bool(store.workshop_ballots("W")[0]), "ann's ballot")
        assert store.answers("W") == {}
        await until(
            pilot,
            lambda: "your ballot 2 (hidden until revealed)" in text_of(app, "#q-state"),
            "ann's ballot on her screen",
        )
        assert "Unanswered" in text_of(app, "#q-state")
        store.cast_ballot("W", Ballot("MLOE-01", "bob", level=4))
        store.cast_ballot("W", Ballot("MLOE-02", "bob", level=1))
        store.cast_ballot("W", Ballot("MLOE-02", "cy", level=1))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p", *"workshop", "enter")
        await settle(pilot)
        await until(pilot, lambda: app.screen.query(DataTable).first().row_count == 2, "rows")
        table = app.screen.query_one(DataTable)
        assert "hidden" in str(table.get_row_at(0)) and "bob" not in str(table.get_row_at(0))
        await pilot.press("R")  # reveal all
        await settle(pilot)
        await until(pilot, lambda: "open" in str(table.get_row_at(0)), "the reveal")
        first = table.get_row_at(0)
        assert first[0] == "MLOE-01" and "ann 2, bob 4" in str(first)  # widest first
        await pilot.press("a")  # agree on MLOE-01
        await settle(pilot)
        await pilot.press("down", "enter")  # the median, 3, is highlighted: one below is 4
        await settle(pilot)
        await pilot.press("escape")  # cancels the note: nothing agreed
        await settle(pilot)
        assert "MLOE-01" not in store.answers("W")
        await pilot.press("a", "enter")  # agree on the median, 3
        await settle(pilot)
        await pilot.press(*"tested once", "enter")
        await settle(pilot)
        await until(pilot, lambda: "MLOE-01" in store.answers("W"), "the agreed answer")
        agreed = store.answers("W")["MLOE-01"]
        assert (agreed.level, agreed.notes, agreed.answered_by) == (3, "tested once", "ann")
        await until(
            pilot,
            lambda: "agreed" in str(table.get_row_at(table.get_row_index("MLOE-01"))),
            "agreed row",
        )
        summary = text_of(app, "#workshop-summary")
        assert "ann 1" in summary and "bob 2" in summary and "MLOE-02" in summary
        await pilot.press("enter")  # present the selected question
        await settle(pilot)
        assert app.screen.query_one("#present-spread", Digits).value in ("2-4", "1")
        await pilot.press("escape", "c")  # close
        await settle(pilot)
        await until(
            pilot,
            lambda: store.workshop("W") is not None and not store.workshop("W").is_open,
            "closed",
        )  # type: ignore[union-attr]


async def test_a_milestone_freezes_the_database_and_the_screen_shows_the_same(
    db_url: str,
) -> None:
    store = Store.open(db_url)
    store.create_workload("W", builtin_lens())
    app = make_app(db_url=db_url, workload="W", question="MLOE-01")
    app.participant = "ann"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        # Bob answers from another terminal just before ann saves a milestone.
        store.set_answer("W", Answer("MLOE-02", level=4, answered_by="bob"))
        await pilot.press("escape", "m", *"M1", "enter")
        await settle(pilot)
        await until(pilot, lambda: "MLOE-02" in app.current.answers, "bob's answer")  # type: ignore[union-attr]
        assert app.current is not None
        frozen = store.milestone_snapshot("W", "M1").answers
        assert set(frozen) == {"MLOE-01", "MLOE-02"} == set(app.current.answers)
        assert "Answered 2/" in text_of(app, "#headline")
