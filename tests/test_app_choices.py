"""Choice questions in the app, on a lens imported from tests/fixtures/lenses/ and a real
SQLite file: the first space picks, "None of these" is exclusive, marks are text, long titles
wrap, each choice's resources are shown, and the plan lists what would lower the risk."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from mllens_tui.app import make_app
from mllens_tui.app.app import MLLensApp
from mllens_tui.app.pilot import settle
from mllens_tui.cli import main
from mllens_tui.lens.aws_json import load_aws_lens
from mllens_tui.store.service import Store

LENS = "batch-inference-lens"
WORKLOAD = "nightly"


@pytest.fixture
def nightly(db_url: str, fixture_lenses: Path) -> str:
    """A workload on the imported batch-inference lens; its questions end in "None of these"."""
    assert main(["lens", "import", str(fixture_lenses / f"{LENS}.json")]) == 0
    assert main(["--lens", LENS, "workload", "create", WORKLOAD]) == 0
    return db_url


def stored_choices(db_url: str, question: str) -> tuple[str, ...] | None:
    answer = Store.open(db_url).answers(WORKLOAD).get(question)
    return answer.choices if answer else None


def rows(app: MLLensApp) -> list[str]:
    """The choice list's lines as shown, trailing space dropped."""
    choices = app.screen.query_one("#q-choices", OptionList)
    return [
        "".join(seg.text for seg in choices.render_line(y)).rstrip()
        for y in range(choices.virtual_size.height)
    ]


def detail(app: MLLensApp) -> str:
    return str(app.screen.query_one("#q-choice", Static).render())


def notifications(app: MLLensApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_the_first_space_picks_the_highlighted_choice(nightly: str) -> None:
    app = make_app(db_url=nightly, workload=WORKLOAD, question="OPS_1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert stored_choices(nightly, "OPS_1") == ("OPS_1_1",)
        assert rows(app)[0].startswith("[x] Each run reports its row count")
        # Space again unpicks it; the row stays highlighted.
        await pilot.press("space")
        await settle(pilot)
        assert stored_choices(nightly, "OPS_1") == ()
        assert rows(app)[0].startswith("[ ] Each run reports its row count")
        # On the next question the first choice is highlighted again.
        await pilot.press("down", "right_square_bracket")
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert stored_choices(nightly, "SEC_1") == ("SEC_1_1",)


async def test_none_of_these_is_exclusive_and_undo_brings_the_choices_back(nightly: str) -> None:
    app = make_app(db_url=nightly, workload=WORKLOAD, question="OPS_1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("space", "down", "space")
        await settle(pilot)
        assert stored_choices(nightly, "OPS_1") == ("OPS_1_1", "OPS_1_2")
        await pilot.press("down", "down", "space")  # None of these
        await settle(pilot)
        assert stored_choices(nightly, "OPS_1") == ("OPS_1_no",)
        assert any(
            "'None of these' cleared 'Each run reports its row count', "
            "'A late or short run pages the owner'" in message
            for message in notifications(app)
        )
        assert [r[:3] for r in rows(app)] == ["[ ]", "[ ]", "[ ]", "[x]"]
        await pilot.press("up", "space")  # Runs can be replayed for one day
        await settle(pilot)
        assert stored_choices(nightly, "OPS_1") == ("OPS_1_3",)
        assert any("cleared 'None of these'" in message for message in notifications(app))
        await pilot.press("u")
        await settle(pilot)
        assert stored_choices(nightly, "OPS_1") == ("OPS_1_no",)
        await pilot.press("u")
        await settle(pilot)
        assert stored_choices(nightly, "OPS_1") == ("OPS_1_1", "OPS_1_2")


async def test_chosen_and_unchosen_differ_in_text_with_no_color(
    nightly: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["answer", WORKLOAD, "COST_1", "--choices", "COST_1_2"]) == 0
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(db_url=nightly, workload=WORKLOAD, question="COST_1")
    assert app.no_color
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = rows(app)
        assert shown[0].startswith("[ ] Spare capacity is used where interruptions")
        assert shown[1] == "[x] Instances stop as soon as the run ends"
        assert shown[-1] == "[ ] None of these"


async def test_long_titles_wrap_under_themselves(nightly: str) -> None:
    app = make_app(db_url=nightly, workload=WORKLOAD, question="COST_1")
    async with app.run_test(size=(40, 30)) as pilot:
        await settle(pilot)
        shown = rows(app)
        # "Spare capacity is used where interruptions are tolerable" takes two lines or more,
        # the rest indented under the title, not under the mark; nothing is cut.
        first, second = shown[0], shown[1]
        assert first.startswith("[ ] Spare capacity")
        assert second.startswith("    ") and not second.lstrip().startswith("[")
        words = " ".join(line[4:].strip() for line in shown[:3])
        assert "Spare capacity is used where interruptions are tolerable" in words
        assert len(shown) > 4


async def test_the_highlighted_choice_shows_its_resource_and_improvement_plan(
    nightly: str, fixture_lenses: Path
) -> None:
    app = make_app(db_url=nightly, workload=WORKLOAD, question="OPS_1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        question = load_aws_lens(fixture_lenses / f"{LENS}.json").question("OPS_1")
        assert question is not None
        first, second = question.choices[0], question.choices[1]
        text = detail(app)
        assert "Not chosen: Each run reports its row count" in text
        assert first.helpful_url in text and first.improvement_plan[:40] in text
        await pilot.press("down")
        await settle(pilot)
        text = detail(app)
        assert second.title in text and second.improvement_url in text
        assert first.title not in text
        await pilot.press("space")
        await settle(pilot)
        assert f"Chosen: {second.title}" in detail(app)


async def test_the_plan_shows_the_improvement_plans_that_would_lower_the_risk(
    nightly: str, fixture_lenses: Path
) -> None:
    assert main(["answer", WORKLOAD, "OPS_1", "--choices", "OPS_1_1"]) == 0
    app = make_app(db_url=nightly, workload=WORKLOAD)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")  # the plan
        await settle(pilot)
        text = str(app.screen.query_one("#plan-detail", Static).render())
        question = load_aws_lens(fixture_lenses / f"{LENS}.json").question("OPS_1")
        assert question is not None
        one, two, three, _ = question.choices
        assert "To lower the risk:" in text
        for choice in (two, three):
            assert choice.improvement_plan[:30] in text and choice.improvement_url in text
        assert one.improvement_plan[:30] not in text  # chosen already


async def test_enter_in_the_evidence_box_goes_back_to_the_choices(nightly: str) -> None:
    app = make_app(db_url=nightly, workload=WORKLOAD, question="SEC_1")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("v", *"kms", "enter")
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        answer = Store.open(nightly).answers(WORKLOAD)["SEC_1"]
        assert (answer.evidence, answer.choices) == ("kms", ("SEC_1_1",))
