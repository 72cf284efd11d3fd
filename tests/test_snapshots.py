"""How the screens look (pytest-textual-snapshot), on the demo workload with frozen time.

Update the saved SVGs after a deliberate change:
    pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mllens_tui.app import make_app
from mllens_tui.app.pilot import settle, settle_frame
from mllens_tui.cli import main
from mllens_tui.demo import DEMO_NAME, install_demo
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.store.service import Store

FROZEN = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def demo_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("mllens_tui.store.rows._now", lambda: FROZEN)
    monkeypatch.setenv("MLLENS_USER", "ana")
    install_demo(Store.open(db_url), builtin_lens())
    return db_url


def keys(*presses: str) -> Callable[[Any], Awaitable[None]]:
    """Wait for the app to settle, press keys, and settle again."""

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
            await settle(pilot)
        await settle_frame(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_workload_list(snap_compare: Any, demo_db: str, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(db_url=demo_db), terminal_size=size, run_before=keys())


def test_first_run(snap_compare: Any, db_url: str) -> None:
    assert snap_compare(make_app(db_url=db_url), terminal_size=(80, 24), run_before=keys())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_dashboard(snap_compare: Any, demo_db: str, size: tuple[int, int]) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    assert snap_compare(app, terminal_size=size, run_before=keys())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pillar_screen(snap_compare: Any, demo_db: str, size: tuple[int, int]) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    assert snap_compare(app, terminal_size=size, run_before=keys("p", "right"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_phase_screen(snap_compare: Any, demo_db: str, size: tuple[int, int]) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    assert snap_compare(app, terminal_size=size, run_before=keys("f", "right", "right"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_question_screen(snap_compare: Any, demo_db: str, size: tuple[int, int]) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME, question="MLSEC-05")
    assert snap_compare(app, terminal_size=size, run_before=keys())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_screen(snap_compare: Any, demo_db: str, size: tuple[int, int]) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME, question="MLOE-01")
    assert snap_compare(app, terminal_size=size, run_before=keys("question_mark"))


def test_plan_screen(snap_compare: Any, demo_db: str) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("i"))


def test_history_screen(snap_compare: Any, demo_db: str) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("h"))


def test_compare_screen(snap_compare: Any, demo_db: str) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    # Mark the first milestone, move to "now", compare.
    presses = ("h", "space", "down", "down", "down", "c")
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys(*presses))


def test_charts_screen(snap_compare: Any, demo_db: str) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("g"))


def test_explain_screen(snap_compare: Any, demo_db: str) -> None:
    app = make_app(db_url=demo_db, workload=DEMO_NAME)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("x"))


# Every main screen at 80x24, in colour and with NO_COLOR (where the cursor row is reversed
# and headers underlined, since every colour turns grey).
MAIN_SCREENS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "workloads": (None, ("escape",)),
    "dashboard": (None, ()),
    "pillars": (None, ("p",)),
    "phases": (None, ("f",)),
    "question": ("MLSEC-05", ()),
    "target-dialog": ("MLSEC-05", ("t",)),
    "na-dialog": ("MLSEC-05", ("n",)),
    "help": ("MLOE-01", ("question_mark",)),
    "plan": (None, ("i",)),
    "history": (None, ("h",)),
    "compare": (None, ("h", "space", "down", "down", "down", "c")),
    "charts": (None, ("g",)),
    "explain": (None, ("x",)),
    "search": (None, ("slash", "d", "a", "t", "a")),
    "answer-history": ("MLSEC-04", ("H",)),
    "quit": (None, ("i", "q")),
}


@pytest.mark.parametrize("colour", ["colour", "no-color"])
@pytest.mark.parametrize("screen", list(MAIN_SCREENS))
def test_main_screen(
    snap_compare: Any,
    demo_db: str,
    monkeypatch: pytest.MonkeyPatch,
    screen: str,
    colour: str,
) -> None:
    if colour == "no-color":
        monkeypatch.setenv("NO_COLOR", "1")
    question, presses = MAIN_SCREENS[screen]
    app = make_app(db_url=demo_db, workload=DEMO_NAME, question=question)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys(*presses))


@pytest.fixture
def choice_db(db_url: str, fixture_lenses: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A workload on an imported AWS custom lens, one choice chosen, with frozen time."""
    monkeypatch.setattr("mllens_tui.store.rows._now", lambda: FROZEN)
    assert main(["lens", "import", str(fixture_lenses / "batch-inference-lens.json")]) == 0
    assert main(["--lens", "batch-inference-lens", "workload", "create", "nightly"]) == 0
    assert main(["answer", "nightly", "OPS_1", "--choices", "OPS_1_1", "--by", "ana"]) == 0
    return db_url


@pytest.mark.parametrize("colour", ["colour", "no-color"])
def test_choice_question(
    snap_compare: Any, choice_db: str, monkeypatch: pytest.MonkeyPatch, colour: str
) -> None:
    # [x]/[ ] tell chosen from unchosen without colour; the highlighted choice's resource
    # and improvement plan are under the list.
    if colour == "no-color":
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(db_url=choice_db, workload="nightly", question="OPS_1")
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("down"))
