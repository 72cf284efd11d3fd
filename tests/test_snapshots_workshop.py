"""How a workshop looks (pytest-textual-snapshot): the facilitator's screen after reveal and
presentation mode, at 80x24 and 120x40, on the demo workload with frozen time.

Update the saved SVGs after a deliberate change:
    pytest tests/test_snapshots_workshop.py --snapshot-update
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from mllens_tui.app import make_app
from mllens_tui.app.pilot import settle, settle_frame
from mllens_tui.demo import DEMO_NAME, install_demo
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.store.service import Store
from mllens_tui.workshop import Ballot

FROZEN = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
SIZES = [(80, 24), (120, 40)]
# Four participants' ballots: MLOE-04 splits the room, MLOE-05 has one N/A.
BALLOTS = {
    "MLOE-04": {"ana": 1, "ben": 3, "chen": 4, "dita": 1},
    "MLOE-05": {"ana": 2, "ben": 2, "chen": None, "dita": 3},
    "MLOE-06": {"ana": 2, "ben": 2, "chen": 2, "dita": 2},
}


@pytest.fixture
def workshop_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("mllens_tui.store.rows._now", lambda: FROZEN)
    monkeypatch.setenv("MLLENS_USER", "ana")
    store = Store.open(db_url)
    install_demo(store, builtin_lens())
    store.start_workshop(DEMO_NAME, by="ana")
    for qid, said in BALLOTS.items():
        for who, level in said.items():
            store.cast_ballot(
                DEMO_NAME, Ballot(qid, who, level=level, not_applicable=level is None)
            )
    store.reveal(DEMO_NAME, ["MLOE-04", "MLOE-05"], by="ana")
    return db_url


def run(action: str, *presses: str) -> Callable[[Any], Awaitable[None]]:
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        getattr(pilot.app, action)()
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
            await settle(pilot)
        await settle_frame(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_workshop_reveal(snap_compare: Any, workshop_db: str, size: tuple[int, int]) -> None:
    app = make_app(db_url=workshop_db, workload=DEMO_NAME)
    assert snap_compare(app, terminal_size=size, run_before=run("action_workshop"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_presentation_mode(snap_compare: Any, workshop_db: str, size: tuple[int, int]) -> None:
    app = make_app(db_url=workshop_db, workload=DEMO_NAME, question="MLOE-04", present=True)

    async def run_before(pilot: Any) -> None:
        await settle_frame(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
