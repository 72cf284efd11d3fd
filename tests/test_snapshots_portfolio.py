"""How the portfolio screen looks, at 80x24 and at 200x60, on 30 workloads with fixed dates.

Update the saved SVGs after a deliberate change:
    pytest tests/test_snapshots_portfolio.py --snapshot-update
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from mllens_tui.app import make_app
from mllens_tui.lens.model import Lens
from mllens_tui.store.service import Store
from tests.estate import build_estate
from tests.test_snapshots import keys

RECENT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def estate_db(db_url: str, ml_lens: Lens) -> str:
    with Store.open(db_url) as store:
        build_estate(store, ml_lens, 30, recent=RECENT)
    return db_url


@pytest.mark.parametrize("size", [(80, 24), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_portfolio_screen(snap_compare: Any, estate_db: str, size: tuple[int, int]) -> None:
    app = make_app(db_url=estate_db)
    assert snap_compare(app, terminal_size=size, run_before=keys("o"))


def test_portfolio_sorted_by_security_with_two_marked(snap_compare: Any, estate_db: str) -> None:
    # Sort by overall (s), then move on to security (s x5: change, high, floor, ops, security),
    # and mark the two best.
    presses = ("o", *("s" * 6), "space", "down", "space")
    app = make_app(db_url=estate_db)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys(*presses))
