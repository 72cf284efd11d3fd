"""Workshop keys and kinds: the agree dialog takes 0-4 for levels and letters for N/A, as the
question screen does; ballots on level questions work for every level and for N/A with a
reason; choice questions (imported AWS lenses) say they take no ballots instead of changing
the workload's answer."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static

from mllens_tui.app import make_app
from mllens_tui.app.app import MLLensApp
from mllens_tui.app.pilot import settle
from mllens_tui.app.screens.dialogs import Choose, NotApplicable
from mllens_tui.assessment import Answer, NAReason
from mllens_tui.cli import main
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.store.service import Store
from mllens_tui.workshop import Ballot


def notices(app: MLLensApp) -> list[str]:
    return [n.message for n in app._notifications]


def workshop_with_ballots(db_url: str) -> Store:
    store = Store.open(db_url)
    store.create_workload("W", builtin_lens())
    store.set_answer("W", Answer("MLOE-01", level=0, answered_by="cy"))  # before the workshop
    store.start_workshop("W", by="fay")
    store.cast_ballot("W", Ballot("MLOE-01", "bob", level=1))
    store.cast_ballot("W", Ballot("MLOE-01", "cy", level=2))
    store.reveal("W", ["MLOE-01"], by="fay")
    return store


async def test_the_agree_dialog_takes_a_level_by_its_digit(db_url: str) -> None:
    store = workshop_with_ballots(db_url)
    app = make_app(db_url=db_url, workload="W", question="MLOE-01")
    app.participant = "fay"
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "ctrl+p", *"workshop", "enter")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, Choose)
        shown = dialog.query_one(OptionList).get_option_at_index(4).prompt
        assert str(shown).startswith(" 4  ")
        await pilot.press("4")  # level 4, not the fourth row (level 3)
        await settle(pilot)
        await pilot.press(*"we test it", "enter")
        await settle(pilot)
        agreed = store.answers("W")["MLOE-01"]
        assert (agreed.level, agreed.notes, agreed.answered_by) == (4, "we test it", "fay")
        assert store.changes_since(0)[-1].text == "fay agreed MLOE-01 at level 4 (2 ballots)"


async def test_the_agree_dialog_takes_n_a_by_a_letter(db_url: str) -> None:
    store = workshop_with_ballots(db_url)
    app = make_app(db_url=db_url, workload="W", question="MLOE-01")
    app.participant = "fay"
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "ctrl+p", *"workshop", "enter")
        await settle(pilot)
        await pilot.press("a", "b", "enter")  # N/A: business priorities; empty note
        await settle(pilot)
        agreed = store.answers("W")["MLOE-01"]
        assert agreed.not_applicable and agreed.reason == NAReason.BUSINESS_PRIORITIES


async def test_ballots_for_every_level_and_n_a_with_a_reason_on_both_screens(db_url: str) -> None:
    store = Store.open(db_url)
    store.create_workload("W", builtin_lens())
    store.set_answer("W", Answer("MLOE-02", level=3, answered_by="cy"))
    store.start_workshop("W", by="fay")
    app = make_app(db_url=db_url, workload="W", question="MLOE-01")
    app.participant = "ann"
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        for level in "01234":
            await pilot.press(level)
            await settle(pilot)
            ballots = store.workshop_ballots("W")[0]["MLOE-01"]
            assert [(b.participant, b.level) for b in ballots] == [("ann", int(level))]
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NotApplicable)
        await pilot.press("s")  # out of scope (digits are levels)
        await settle(pilot)
        ballot = store.workshop_ballots("W")[0]["MLOE-01"][0]
        assert ballot.not_applicable and ballot.reason == NAReason.OUT_OF_SCOPE
        # "Other" asks why: the explanation is the ballot's, not the workload's notes.
        await pilot.press("n", "o", *"batch only", "enter")
        await settle(pilot)
        ballot = store.workshop_ballots("W")[0]["MLOE-01"][0]
        assert (ballot.reason, ballot.notes) == (NAReason.OTHER, "N/A: batch only")
        await pilot.press("e", "escape")  # the notes box was left as it was: nothing to save
        await settle(pilot)
        assert "MLOE-01" not in store.answers("W")
        # The level the workload's answer already has is a ballot too, not a rewrite.
        await pilot.press("right_square_bracket", "3")
        await settle(pilot)
        assert [b.level for b in store.workshop_ballots("W")[0]["MLOE-02"]] == [3]
        await pilot.press("1", "u")  # a ballot is not undone into another ballot
        await settle(pilot)
        assert [b.level for b in store.workshop_ballots("W")[0]["MLOE-02"]] == [1]
        assert "Nothing to undo" in " ".join(notices(app))
        # Presentation mode: the same keys, the same N/A dialog.
        await pilot.press("ctrl+p", *"present", "enter")
        await settle(pilot)
        await pilot.press("n", "a")
        await settle(pilot)
        ballot = store.workshop_ballots("W")[0]["MLOE-02"][0]
        assert ballot.not_applicable and ballot.reason == NAReason.ARCHITECTURE_CONSTRAINTS
        assert store.answers("W") == {"MLOE-02": store.answers("W")["MLOE-02"]}
        assert store.answers("W")["MLOE-02"].level == 3


async def test_a_choice_question_in_a_workshop_says_it_takes_no_ballots(
    db_url: str, fixture_lenses: Path
) -> None:
    assert main(["lens", "import", str(fixture_lenses / "batch-inference-lens.json")]) == 0
    assert main(["--lens", "batch-inference-lens", "workload", "create", "nightly"]) == 0
    store = Store.open(db_url)
    store.start_workshop("nightly", by="fay")
    app = make_app(db_url=db_url, workload="nightly", question="OPS_1")
    app.participant = "ann"
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert store.answers("nightly") == {}
        assert store.workshop_ballots("nightly")[0] == {}
        assert any("takes no ballots" in n or "ballots hold a level" in n for n in notices(app))
        await pilot.press("n", "s")
        await settle(pilot)
        assert store.answers("nightly") == {}
        state = app.screen.query_one("#q-state", Static).render()
        assert "Unanswered" in str(state)  # the screen shows what is stored
