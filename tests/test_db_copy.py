"""`mllens db copy`: a SQLite database moved onto PostgreSQL and back keeps every workload
(tags, trash), answer, history entry, milestone, plan owner, workshop, ballot and the change
log, so that every export is byte-identical."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres_server import database

from mllens_tui.cli import main

DEMO = "Fraud scoring (demo)"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return out


@pytest.fixture
def pg_url(postgres_server_url: str) -> Iterator[str]:
    with database(postgres_server_url) as url:
        yield url


def everything(capsys: pytest.CaptureFixture[str], url: str) -> dict[str, str]:
    """Every export a user can take of the database at ``url``, and its change log."""
    from mllens_tui.store.service import Store

    seen: dict[str, str] = {
        "list": ok(capsys, "--db", url, "workload", "list"),
        "trash": ok(capsys, "--db", url, "workload", "trash", "--json"),
        # Everything but the time it was made.
        "portfolio": re.sub(
            r'"generated_at": "[^"]*"', "", ok(capsys, "--db", url, "portfolio", "--format", "json")
        ),
        "plan": ok(capsys, "--db", url, "plan", "second", "--json"),
        # The revealed ballots, and how many are hidden.
        "workshop ann": ok(capsys, "--db", url, "workshop", "status", "second", "--by", "ann"),
        "workshop json": ok(capsys, "--db", url, "workshop", "status", "second", "--json"),
    }
    with Store.open(url) as store:
        seen["change log"] = repr((store.change_counter(), store.changes_since(0)))
    for workload in (DEMO, "second"):
        seen[workload] = ok(capsys, "--db", url, "export", workload)
        seen[f"{workload} history"] = ok(capsys, "--db", url, "history", workload, "--json")
        seen[f"{workload} MLOE-01"] = ok(capsys, "--db", url, "history", workload, "MLOE-01")
        milestones = ok(capsys, "--db", url, "milestone", "list", workload)
        seen[f"{workload} milestones"] = milestones
        for line in milestones.splitlines()[1:]:
            name = line.split("  ")[0]
            seen[f"{workload} {name}"] = ok(
                capsys, "--db", url, "export", workload, "--milestone", name
            )
    return seen


def test_sqlite_to_postgresql_and_back_keeps_every_export_byte_identical(
    capsys: pytest.CaptureFixture[str], pg_url: str, tmp_path: Path
) -> None:
    first = f"sqlite:///{tmp_path / 'first.db'}"
    ok(capsys, "--db", first, "demo")
    ok(capsys, "--db", first, "workload", "create", "second", "--weight", "security=2")
    ok(capsys, "--db", first, "answer", "second", "MLOE-01", "3", "--notes", "ünïcode\nnotes")
    ok(capsys, "--db", first, "answer", "second", "MLOE-02", "--na", "out_of_scope")
    ok(capsys, "--db", first, "milestone", "create", "second", "kick-off")
    ok(capsys, "--db", first, "answer", "second", "MLOE-01", "4", "--by", "bo")
    ok(capsys, "--db", first, "workload", "tag", "second", "Payments", "team-b")
    ok(capsys, "--db", first, "plan", "set", "second", "MLOE-03", "--owner", "Ana")
    ok(
        capsys,
        "--db",
        first,
        "plan",
        "set",
        "second",
        "MLOE-04",
        "--owner",
        "Bo",
        "--due",
        "2031-02-03",
    )
    ok(capsys, "--db", first, "workload", "create", "gone")
    ok(capsys, "--db", first, "workload", "tag", "gone", "old")
    ok(capsys, "--db", first, "workload", "delete", "gone", "--yes")
    ok(capsys, "--db", first, "workshop", "start", "second", "--by", "ann")
    ok(capsys, "--db", first, "workshop", "vote", "second", "MLOE-05", "2", "--by", "ann")
    ok(capsys, "--db", first, "workshop", "vote", "second", "MLOE-05", "4", "--by", "bo")
    ok(
        capsys,
        "--db",
        first,
        "workshop",
        "vote",
        "second",
        "MLOE-06",
        "--na",
        "out_of_scope",
        "--by",
        "bo",
    )
    ok(capsys, "--db", first, "workshop", "vote", "second", "MLOE-07", "3", "--by", "ann")
    ok(capsys, "--db", first, "workshop", "reveal", "second", "MLOE-05", "MLOE-06", "--by", "ann")
    ok(capsys, "--db", first, "workshop", "agree", "second", "MLOE-05", "3", "--by", "ann")
    before = everything(capsys, first)
    assert "kick-off" in before["second milestones"]
    assert "gone" in before["trash"] and "payments" in before["portfolio"].lower()
    assert "Ana" in before["plan"] and "2031-02-03" in before["plan"]
    assert "hidden: 1" in before["workshop ann"] and "ann 2, bo 4" in before["workshop ann"]
    assert "ballot" in before["change log"]

    out = ok(capsys, "db", "copy", "--from", first, "--to", pg_url)
    for noun in ("3 workloads", "milestones", "history entries", "3 tags", "2 plan owners"):
        assert noun in out, noun
    for noun in ("1 workshops", "4 ballots", "change log entries"):
        assert noun in out, noun
    assert everything(capsys, pg_url) == before

    back = f"sqlite:///{tmp_path / 'back.db'}"
    ok(capsys, "db", "copy", "--from", pg_url, "--to", back)
    assert everything(capsys, back) == before

    # New rows on the copy get new ids: the sequences moved past the copied ones.
    ok(capsys, "--db", pg_url, "workload", "create", "third")
    ok(capsys, "--db", pg_url, "answer", "third", "MLOE-01", "1")
    ok(capsys, "--db", pg_url, "milestone", "create", "third", "m")
    ok(capsys, "--db", pg_url, "workshop", "vote", "second", "MLOE-08", "1", "--by", "cy")
    ok(capsys, "--db", pg_url, "workload", "restore", "gone")


def test_copy_refuses_a_target_that_holds_workloads(
    capsys: pytest.CaptureFixture[str], pg_url: str, tmp_path: Path
) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    ok(capsys, "--db", source, "demo")
    ok(capsys, "--db", pg_url, "workload", "create", "theirs")
    code, out, err = run(capsys, "db", "copy", "--from", source, "--to", pg_url)
    assert code == 1 and out == ""
    assert "already holds 1 workload(s)" in err and "Nothing was copied" in err
    assert "theirs" in ok(capsys, "--db", pg_url, "workload", "list")
    assert DEMO not in ok(capsys, "--db", pg_url, "workload", "list")


def test_copy_onto_itself_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'one.db'}"
    ok(capsys, "--db", url, "demo")
    code, _, err = run(capsys, "db", "copy", "--from", url, "--to", url)
    assert code == 1 and "both name" in err


def test_copy_from_a_missing_file_is_refused_and_creates_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "typo" / "mllens.db"
    target = tmp_path / "target.db"
    code, out, err = run(
        capsys, "db", "copy", "--from", f"sqlite:///{missing}", "--to", f"sqlite:///{target}"
    )
    assert code == 1 and out == ""
    assert f"{missing} does not exist" in err
    assert not missing.parent.exists() and not target.exists()
