"""Regenerate the SVG screenshots in this folder from the demo workload.

    python screenshots/make_screenshots.py

Builds a throwaway database with the demo workload (mllens_tui.demo), drives the app with
keys as a user would, and saves what each screen shows. The portfolio is shot on a second
database of 30 workloads, the estate the tests use (tests/estate.py). Nothing here is
hand-edited.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name, terminal size, keys pressed after the workload's dashboard is open
SHOTS: list[tuple[str, tuple[int, int], tuple[str, ...], str | None]] = [
    ("workloads", (80, 24), ("escape",), None),
    ("dashboard", (80, 24), (), None),
    ("dashboard-large", (120, 40), (), None),
    ("pillars", (80, 24), ("p", "right"), None),
    ("phases", (80, 24), ("f", "right", "right"), None),
    ("question", (80, 24), (), "MLSEC-05"),
    ("help", (80, 24), ("question_mark",), "MLOE-01"),
    ("plan", (80, 24), ("i",), None),
    ("history", (80, 24), ("h",), None),
    ("compare", (80, 24), ("h", "space", "down", "down", "down", "c"), None),
    ("charts", (80, 24), ("g",), None),
    ("explain", (80, 24), ("x",), None),
    ("search", (80, 24), ("slash", "d", "a", "t", "a"), None),
    ("answer-history", (80, 24), ("H",), "MLSEC-04"),
]


# A workshop on the demo workload: four participants' ballots, two questions revealed.
BALLOTS = {
    "MLOE-04": {"ana": 1, "ben": 3, "chen": 4, "dita": 1},
    "MLOE-05": {"ana": 2, "ben": 2, "chen": None, "dita": 3},
    "MLOE-06": {"ana": 2, "ben": 2, "chen": 2, "dita": 2},
}
# name, terminal size, the app's action that opens the screen, or presentation mode
WORKSHOP_SHOTS = [
    ("workshop", (80, 24), "action_workshop", False),
    ("present", (120, 40), None, True),
]


def start_workshop(db_url: str) -> None:
    from datetime import UTC, datetime

    from mllens_tui.demo import DEMO_NAME
    from mllens_tui.store import rows
    from mllens_tui.store.service import Store
    from mllens_tui.workshop import Ballot

    # A fixed moment, so that the screenshots change only when the screens do.
    rows._now = lambda: datetime(2026, 11, 28, 9, 0, tzinfo=UTC)  # type: ignore[assignment]
    with Store.open(db_url) as store:
        store.start_workshop(DEMO_NAME, by="ana")
        for qid, said in BALLOTS.items():
            for who, level in said.items():
                ballot = Ballot(qid, who, level=level, not_applicable=level is None)
                store.cast_ballot(DEMO_NAME, ballot)
        store.reveal(DEMO_NAME, ["MLOE-04", "MLOE-05"], by="ana")


async def shoot_workshop(
    db_url: str, name: str, size: tuple[int, int], action: str | None, present: bool
) -> None:
    from mllens_tui.app import make_app
    from mllens_tui.app.pilot import settle, settle_frame
    from mllens_tui.demo import DEMO_NAME

    question = "MLOE-04" if present else None
    app = make_app(db_url=db_url, workload=DEMO_NAME, question=question, present=present)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        if action is not None:
            getattr(app, action)()
            await settle(pilot)
        await settle_frame(pilot)
        app.save_screenshot(filename=f"{name}.svg", path=str(HERE))
    print(f"screenshots/{name}.svg")


async def shoot(
    db_url: str, name: str, size: tuple[int, int], keys: tuple[str, ...], question: str | None
) -> None:
    from mllens_tui.app import make_app
    from mllens_tui.app.pilot import settle, settle_frame
    from mllens_tui.demo import DEMO_NAME

    app = make_app(db_url=db_url, workload=DEMO_NAME, question=question)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await settle_frame(pilot)
        app.save_screenshot(filename=f"{name}.svg", path=str(HERE))
    print(f"screenshots/{name}.svg")


async def shoot_portfolio(db_url: str) -> None:
    from mllens_tui.app import make_app
    from mllens_tui.app.pilot import settle, settle_frame

    app = make_app(db_url=db_url)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        for key in ("o", "s"):  # the portfolio, best overall first
            await pilot.press(key)
            await settle(pilot)
        await settle_frame(pilot)
        app.save_screenshot(filename="portfolio.svg", path=str(HERE))
    print("screenshots/portfolio.svg")


def main() -> None:
    with tempfile.TemporaryDirectory() as data:
        os.environ["MLLENS_DATA_DIR"] = data
        os.environ["MLLENS_USER"] = "ana"
        db_url = f"sqlite:///{data}/demo.db"
        from mllens_tui.demo import install_demo
        from mllens_tui.lens.registry import builtin_lens
        from mllens_tui.store.service import Store

        install_demo(Store.open(db_url), builtin_lens())
        for name, size, keys, question in SHOTS:
            asyncio.run(shoot(db_url, name, size, keys, question))
        start_workshop(db_url)
        for name, size, action, present in WORKSHOP_SHOTS:
            asyncio.run(shoot_workshop(db_url, name, size, action, present))

        import sys
        from datetime import UTC, datetime

        sys.path.insert(0, str(HERE.parent))
        from tests.estate import build_estate

        estate_url = f"sqlite:///{data}/estate.db"
        with Store.open(estate_url) as store:
            build_estate(store, builtin_lens(), 30, recent=datetime(2026, 11, 20, 9, tzinfo=UTC))
        asyncio.run(shoot_portfolio(estate_url))


if __name__ == "__main__":
    main()
