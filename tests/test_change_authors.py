"""Every change the app makes names who made it: the participant set in the app (else the
login name), never an empty author that other apps would show as "someone"."""

from __future__ import annotations

from pathlib import Path

import pytest

from mllens_tui.app import make_app
from mllens_tui.app.pilot import settle
from mllens_tui.assessment import Answer
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.snapshot import dumps
from mllens_tui.store.changes import author
from mllens_tui.store.service import Store


async def test_each_write_the_app_makes_logs_the_participant(db_url: str) -> None:
    app = make_app(db_url=db_url)
    app.participant = "ann"
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"W", "enter")  # create a workload
        await settle(pilot)
        await pilot.press("enter")  # open it
        await settle(pilot)
        await pilot.press("a", "1", "e", *"a note", "escape", "escape")  # answer, note
        await settle(pilot)
        await pilot.press("escape", "i", "o", *"Ana Lima", "tab", *"2027-03-31", "enter")
        await settle(pilot)  # a plan owner and due date
        await pilot.press("d", "m", *"M1", "enter")  # a milestone
        await settle(pilot)
        await pilot.press("ctrl+p", *"workshop", "enter")
        await settle(pilot)
        await pilot.press("s")  # start a workshop
        await settle(pilot)
        await pilot.press("c", "escape")  # and close it
        await settle(pilot)
        await pilot.press("w", "r", "ctrl+u", *"V", "enter")  # rename
        await settle(pilot)
    with Store.open(db_url) as store:
        changes = store.changes_since(0)
    kinds = [c.kind for c in changes]
    for kind in ("workload", "answer", "plan", "milestone", "workshop", "rename"):
        assert kind in kinds, (kind, [c.text for c in changes])
    assert [c.text for c in changes if c.by != "ann"] == []


async def test_importing_and_deleting_in_the_app_log_the_participant(
    db_url: str, tmp_path: Path
) -> None:
    """An import is made by whoever imports, not by the authors of the answers it brings."""
    exported = tmp_path / "w.toml"
    with Store.open(db_url) as store:
        store.create_workload("W", builtin_lens(), by="cy")
        store.set_answer("W", Answer("MLOE-01", level=1, answered_by="cy"))
        exported.write_text(dumps(store.snapshot("W"), builtin_lens()))
        store.set_answer("W", Answer("MLOE-01", level=3, answered_by="cy"))
        seen = store.change_counter()
    app = make_app(db_url=db_url)
    app.participant = "ann"
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"import snapshot", "enter")
        await settle(pilot)
        await pilot.press(*str(exported), "enter")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    with Store.open(db_url) as store:
        changes = store.changes_since(seen)
    assert [c.text for c in changes] == [
        "ann imported a snapshot into 'W'",
        "ann deleted workload 'W' (to the trash)",
    ]


def test_a_store_write_without_an_author_names_the_login(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scripts calling the store without ``by`` still leave a name in the log."""
    monkeypatch.setenv("MLLENS_USER", "ops-bot")
    assert author("") == "ops-bot" and author("ann") == "ann"
    with Store.open(db_url) as store:
        store.create_workload("W", builtin_lens())
        store.set_ownership("W", "MLOE-01", store.plan_owners("W").get("MLOE-01") or _owner())
        store.delete_workload("W")
        store.restore_workload("W")
        store.import_snapshot(store.snapshot("W"), builtin_lens())
        assert {c.by for c in store.changes_since(0)} == {"ops-bot"}


def _owner():  # type: ignore[no-untyped-def]
    from mllens_tui.assessment import Ownership

    return Ownership("Ana Lima")
