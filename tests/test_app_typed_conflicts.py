"""No lost update for typed text: two apps on one database edit the same question's notes or
evidence; the second save goes through the conflict dialog, and what was typed is kept."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from mllens_tui.app import make_app
from mllens_tui.app.app import MLLensApp
from mllens_tui.app.pilot import settle
from mllens_tui.app.screens.conflict import ConflictDialog
from mllens_tui.app.screens.question import QuestionScreen
from mllens_tui.assessment import Answer
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.store.service import Store


async def until(pilot: Pilot[None], done: Callable[[], bool], what: str) -> None:
    """Let the app run (its poller works on its own clock) until ``done``."""
    for _ in range(200):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}")


def rendered(app: MLLensApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def revision_seen(app: MLLensApp, question_id: str, revision: int) -> Callable[[], bool]:
    return lambda: app.current is not None and app.current.revisions.get(question_id) == revision


async def two_apps_typing(db_url: str) -> tuple[Store, MLLensApp, MLLensApp]:
    store = Store.open(db_url)
    store.create_workload("W", builtin_lens())
    store.set_answer("W", Answer("MLOE-02", level=2, notes="start", answered_by="cy"))
    ann = make_app(db_url=db_url, workload="W", question="MLOE-02")
    bob = make_app(db_url=db_url, workload="W", question="MLOE-02")
    ann.participant, bob.participant = "ann", "bob"
    return store, ann, bob


async def test_a_note_saved_elsewhere_while_typing_opens_the_conflict_and_edit_keeps_mine(
    db_url: str,
) -> None:
    store, ann, bob = await two_apps_typing(db_url)
    async with ann.run_test(size=(100, 40)) as pa, bob.run_test(size=(100, 40)) as pb:
        await settle(pa)
        await settle(pb)
        await pa.press("e")  # ann starts editing the note she sees ("start", revision 1)
        await settle(pa)
        await pb.press("e", "end", *" by bob", "escape")
        await settle(pb)
        assert store.answers("W")["MLOE-02"].notes == "start by bob"
        # Ann's app learns of bob's change while she types; her box is left alone.
        await until(pa, revision_seen(ann, "MLOE-02", 2), "ann's app sees bob's note")
        await pa.press("end", *" by ann", "escape")
        await settle(pa)
        await until(pa, lambda: isinstance(ann.screen, ConflictDialog), "the conflict dialog")
        dialog = ann.screen
        theirs = str(dialog.query_one("#conflict-theirs", Static).render())
        mine = str(dialog.query_one("#conflict-mine", Static).render())
        assert "bob" in theirs and "start by bob" in theirs
        assert "start by ann" in mine
        assert store.answers("W")["MLOE-02"].notes == "start by bob"  # nothing overwritten
        await pa.press("e")  # edit: theirs in place, ann's text in the box, unsaved
        await settle(pa)
        screen = ann.screen
        assert isinstance(screen, QuestionScreen)
        assert screen.query_one("#q-notes", TextArea).text == "start by ann"
        assert store.answers("W")["MLOE-02"].notes == "start by bob"
        await pa.press("e", "end", *" and bob", "escape")
        await settle(pa)
        stored = store.answers("W")["MLOE-02"]
        assert (stored.notes, stored.answered_by) == ("start by ann and bob", "ann")
        assert not isinstance(ann.screen, ConflictDialog)


async def test_stale_evidence_keeps_theirs_when_chosen_and_take_mine_writes_mine(
    db_url: str,
) -> None:
    store, ann, bob = await two_apps_typing(db_url)
    async with ann.run_test(size=(100, 40)) as pa, bob.run_test(size=(100, 40)) as pb:
        await settle(pa)
        await settle(pb)
        await pa.press("v")
        await pb.press("v", *"https://bob", "enter")
        await settle(pb)
        await until(pa, revision_seen(ann, "MLOE-02", 2), "ann's app sees bob's evidence")
        await pa.press(*"https://ann", "enter")
        await settle(pa)
        await until(pa, lambda: isinstance(ann.screen, ConflictDialog), "the conflict dialog")
        assert "https://ann" in rendered(ann, "#conflict-mine")
        assert "https://bob" in rendered(ann, "#conflict-theirs")
        await pa.press("t")  # keep theirs: the box shows theirs, nothing of ann's is written
        await settle(pa)
        assert ann.screen.query_one("#q-evidence", Input).value == "https://bob"
        assert store.answers("W")["MLOE-02"].evidence == "https://bob"
        # Once more, and take mine: written over bob's revision.
        await pa.press("v")
        await pb.press("v", "ctrl+u", *"https://bob/2", "enter")
        await settle(pb)
        await until(pa, revision_seen(ann, "MLOE-02", 3), "bob's second evidence")
        await pa.press("ctrl+u", *"https://ann/2", "enter")
        await settle(pa)
        await until(pa, lambda: isinstance(ann.screen, ConflictDialog), "a second conflict")
        await pa.press("m")
        await settle(pa)
        stored = store.answers("W")["MLOE-02"]
        assert (stored.evidence, stored.notes, stored.level) == ("https://ann/2", "start", 2)


async def test_a_level_set_elsewhere_while_typing_is_no_conflict(db_url: str) -> None:
    store, ann, bob = await two_apps_typing(db_url)
    async with ann.run_test(size=(100, 40)) as pa, bob.run_test(size=(100, 40)) as pb:
        await settle(pa)
        await settle(pb)
        await pa.press("e")
        await pb.press("4")  # bob changes the level; the note stays as ann saw it
        await settle(pb)
        await until(pa, revision_seen(ann, "MLOE-02", 2), "ann's app sees bob's level")
        await pa.press("end", *" by ann", "escape")
        await settle(pa)
        await until(pa, lambda: store.answers("W")["MLOE-02"].notes == "start by ann", "saved")
        assert not isinstance(ann.screen, ConflictDialog)
        assert store.answers("W")["MLOE-02"].level == 4


async def test_a_note_saved_before_the_other_app_polls_is_refused_too(db_url: str) -> None:
    """The other app has not polled yet: the database refuses the stale revision."""
    store, ann, _ = await two_apps_typing(db_url)
    async with ann.run_test(size=(100, 40)) as pa:
        await settle(pa)
        await pa.press("e")
        ann.polling = True  # no poll from now on: ann's app cannot know of bob's note
        store.set_answer(
            "W", Answer("MLOE-02", level=2, notes="bob's", answered_by="bob"), expect_revision=1
        )
        await pa.press("end", *" by ann", "escape")
        await settle(pa)
        await until(pa, lambda: isinstance(ann.screen, ConflictDialog), "the conflict dialog")
        assert store.answers("W")["MLOE-02"].notes == "bob's"
        assert "start by ann" in rendered(ann, "#conflict-mine")


async def test_edit_from_presentation_mode_opens_the_question_with_theirs(db_url: str) -> None:
    store = Store.open(db_url)
    store.create_workload("W", builtin_lens())
    app = make_app(db_url=db_url, workload="W", question="MLOE-02")
    app.participant = "ann"
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"present", "enter")
        await settle(pilot)
        app.polling = True  # ann's app has not seen bob's answer
        store.set_answer("W", Answer("MLOE-02", level=1, answered_by="bob"))
        await pilot.press("3")
        await settle(pilot)
        await until(pilot, lambda: isinstance(app.screen, ConflictDialog), "the conflict dialog")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, QuestionScreen)
        assert "Level 1" in rendered(app, "#q-state") and "bob" in rendered(app, "#q-state")
        assert store.answers("W")["MLOE-02"].level == 1
