"""Plan item owners and due dates: stored apart from answers, set and listed from the command
line, carried in snapshots as [plan.<question id>] tables and validated there."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from mllens_tui.assessment import Answer, NAReason, Ownership
from mllens_tui.cli import main
from mllens_tui.lens.model import Lens
from mllens_tui.snapshot import dumps
from mllens_tui.store import Store


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return out


@pytest.fixture
def fraud(db_url: str, ml_lens: Lens) -> str:
    """Three gaps (MLOE-01 most urgent, then MLOE-03, then MLOE-02), one N/A, one at target."""
    with Store.open(db_url) as store:
        store.create_workload("fraud", ml_lens)
        store.set_answer("fraud", Answer("MLOE-01", level=0))
        store.set_answer("fraud", Answer("MLOE-02", level=2))
        store.set_answer("fraud", Answer("MLOE-03", level=1))
        store.set_answer(
            "fraud", Answer("MLOE-04", not_applicable=True, reason=NAReason.OUT_OF_SCOPE)
        )
        store.set_answer("fraud", Answer("MLOE-05", level=4))
    return "fraud"


def test_plan_set_and_list_with_owners_and_due_dates(
    capsys: pytest.CaptureFixture[str], fraud: str, db_url: str
) -> None:
    out = ok(capsys, "plan", "set", fraud, "MLOE-02", "--owner", "Ana Lima", "--due", "2027-03-31")
    assert "MLOE-02 owned by Ana Lima, due 2027-03-31" in out
    out = ok(capsys, "plan", "set", fraud, "MLOE-03", "--due", "2027-01-15")
    assert "MLOE-03 no owner, due 2027-01-15" in out
    # Only --owner given: the due date stays.
    ok(capsys, "plan", "set", fraud, "MLOE-03", "--owner", "Bo")
    listing = ok(capsys, "plan", fraud).splitlines()
    assert listing[0].startswith("fraud: 3 gaps to target")
    rows = [line.split()[:2] for line in listing[2:5]]
    assert rows == [["1", "MLOE-01"], ["2", "MLOE-03"], ["3", "MLOE-02"]]
    assert "2027-03-31  Ana Lima" in listing[4]

    by_due = ok(capsys, "plan", fraud, "--sort", "due").splitlines()
    assert [line.split()[1] for line in by_due[2:5]] == ["MLOE-03", "MLOE-02", "MLOE-01"]

    doc = json.loads(ok(capsys, "plan", fraud, "--json", "--sort", "due"))
    assert [i["question"] for i in doc["plan"]] == ["MLOE-03", "MLOE-02", "MLOE-01"]
    assert doc["plan"][0] | {"priority": None} == {
        "question": "MLOE-03",
        "title": doc["plan"][0]["title"],
        "priority": None,
        "risk": "HIGH",
        "level": 1,
        "target": 3,
        "owner": "Bo",
        "due": "2027-01-15",
    }
    assert doc["plan"][2]["owner"] is None and doc["plan"][2]["due"] is None

    ok(capsys, "plan", "set", fraud, "MLOE-02", "--clear")
    with Store.open(db_url) as store:
        assert store.plan_owners(fraud) == {"MLOE-03": Ownership("Bo", date(2027, 1, 15))}


def test_owners_do_not_touch_answers_or_their_history(
    capsys: pytest.CaptureFixture[str], fraud: str, db_url: str
) -> None:
    with Store.open(db_url) as store:
        answers, history = store.answers(fraud), store.answer_history(fraud)
        revision = store.get_workload(fraud).updated_at
    ok(capsys, "plan", "set", fraud, "MLOE-01", "--owner", "Ana")
    with Store.open(db_url) as store:
        assert store.answers(fraud) == answers
        assert store.answer_history(fraud) == history
        assert store.get_workload(fraud).updated_at == revision


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (
            ["MLOE-01", "--due", "2027-02-30"],
            1,
            "--due: expected a date such as 2027-03-31, got '2027-02-30'",
        ),
        (["MLOE-01", "--due", "31/03/2027"], 1, "--due: expected a date such as 2027-03-31"),
        (
            ["MLOE-01", "--owner", "x\x1b[2J"],
            1,
            "--owner: owner name 'x\\x1b[2J' has a control character",
        ),
        (["MLOE-01", "--owner", " Ana"], 1, "leading or trailing spaces"),
        (["NOPE-01", "--owner", "Ana"], 1, "unknown question id 'NOPE-01' in lens 'aws-ml-lens'"),
        (["MLOE-05", "--owner", "Ana"], 1, "MLOE-05 is not in the improvement plan of 'fraud'"),
        (["MLOE-04", "--owner", "Ana"], 1, "MLOE-04 is not in the improvement plan of 'fraud'"),
        (["MLOE-01"], 2, "give --owner, --due or both (or --clear)"),
        (["MLOE-01", "--clear", "--owner", "Ana"], 2, "--clear removes both"),
    ],
)
def test_plan_set_refuses_bad_input(
    capsys: pytest.CaptureFixture[str],
    fraud: str,
    db_url: str,
    argv: list[str],
    code: int,
    message: str,
) -> None:
    got, _, err = run(capsys, "plan", "set", fraud, *argv)
    assert got == code and message in err, err
    with Store.open(db_url) as store:
        assert store.plan_owners(fraud) == {}


def test_plan_usage_and_unknown_workload(capsys: pytest.CaptureFixture[str], fraud: str) -> None:
    code, _, err = run(capsys, "plan", fraud, "MLOE-01")
    assert code == 2 and "usage: mllens plan WORKLOAD" in err
    code, _, err = run(capsys, "plan", fraud, "--owner", "Ana")
    assert code == 2 and "--owner, --due and --clear go with: mllens plan set" in err
    code, _, err = run(capsys, "plan", "nope")
    assert code == 1 and "no workload named 'nope'" in err


def test_owners_travel_in_snapshots_byte_identical(
    capsys: pytest.CaptureFixture[str], fraud: str, db_url: str, ml_lens: Lens, tmp_path: Path
) -> None:
    ok(capsys, "plan", "set", fraud, "MLOE-02", "--owner", "Ana Lima", "--due", "2027-03-31")
    ok(capsys, "plan", "set", fraud, "MLOE-01", "--due", "2027-01-15")
    first = tmp_path / "first.toml"
    ok(capsys, "export", fraud, "-o", str(first))
    text = first.read_text()
    assert text.endswith(
        '[plan.MLOE-01]\ndue = 2027-01-15\n\n[plan.MLOE-02]\nowner = "Ana Lima"\ndue = 2027-03-31\n'
    )
    ok(capsys, "import", str(first), "--workload", "copy")
    second = tmp_path / "second.toml"
    ok(capsys, "export", "copy", "-o", str(second))
    assert second.read_text() == text.replace('name = "fraud"', 'name = "copy"')


def test_import_without_plan_keeps_owners_and_milestones_keep_none(
    fraud: str, db_url: str, ml_lens: Lens
) -> None:
    with Store.open(db_url) as store:
        store.set_ownership(fraud, "MLOE-01", Ownership("Ana"))
        snapshot = store.snapshot(fraud)
        store.import_snapshot(type(snapshot)(**{**snapshot.__dict__, "plan": {}}), ml_lens)
        assert store.plan_owners(fraud) == {"MLOE-01": Ownership("Ana")}
        store.create_milestone(fraud, "Q4", ml_lens)
        assert "[plan" not in dumps(store.milestone_snapshot(fraud, "Q4"), ml_lens)
        # A snapshot with a [plan] replaces the owners.
        store.import_snapshot(
            type(snapshot)(**{**snapshot.__dict__, "plan": {"MLOE-02": Ownership("Bo")}}),
            ml_lens,
        )
        assert store.plan_owners(fraud) == {"MLOE-02": Ownership("Bo")}


GOOD = """\
format = "mllens.snapshot"
format_version = 1

[lens]
id = "aws-ml-lens"

[workload]
name = "Fraud scoring"

[answers.MLOE-01]
level = 2
"""


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        (
            '[plan.MLOE-01]\nowner = "Ana"\ndue = 2027-03-31T10:00:00Z\n',
            "plan.MLOE-01.due: expected a date such as 2027-03-31, got",
        ),
        (
            '[plan.MLOE-01]\ndue = "2027-03-31"\n',
            "plan.MLOE-01.due: expected a date such as 2027-03-31, got '2027-03-31'",
        ),
        ('[plan.MLOE-01]\nowner = "A\\u001b[31m"\n', "plan.MLOE-01.owner: owner name"),
        ("[plan.MLOE-01]\nowner = 7\n", "plan.MLOE-01.owner: expected a string, got 7"),
        (
            '[plan.MLOE-01]\nowner = "Ana"\nwho = "x"\n',
            "plan.MLOE-01.who: unknown key (expected one of: due, owner)",
        ),
        (
            '[plan.NOPE-1]\nowner = "Ana"\n',
            "plan.NOPE-1: unknown question id 'NOPE-1' in lens 'aws-ml-lens'",
        ),
        ("[plan.MLOE-01]\n", "plan.MLOE-01: expected owner, due or both"),
        ('plan = "Ana"\n', "plan: expected tables [plan.<question id>] with owner and due"),
        ('[plan]\nMLOE-01 = "Ana"\n', "plan.MLOE-01: expected a table with owner and due"),
    ],
)
def test_bad_plan_tables_are_refused_with_file_and_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, db_url: str, plan: str, message: str
) -> None:
    path = tmp_path / "snap.toml"
    if plan.startswith("plan ="):
        path.write_text(GOOD.replace("[lens]", plan + "\n[lens]"))
    else:
        path.write_text(GOOD + "\n" + plan)
    code, _, err = run(capsys, "snapshot", "validate", str(path))
    assert code == 1
    assert f"{path}: {message}" in err, err
    code, _, err = run(capsys, "import", str(path))
    assert code == 1 and message in err
    with Store.open(db_url) as store:
        assert store.list_workloads() == []
