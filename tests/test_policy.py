"""`mllens check`: review policies as CI gates, run as a user runs them.

The snapshot below scores (every question weighs 3, no pillar weights):
overall (1 + .5 + .25 + .75 + 1) / 5 = 0.70; security (.25 + .75 + 1) / 3 = 0.67;
operational excellence (1 + .5) / 2 = 0.75; one HIGH risk (MLSEC-01 at level 1, in security);
completeness 5 answered of 104 applicable = 0.05; the newest answer is MLSEC-05's, 2026-06-15.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from mllens_tui.cli import main

SNAPSHOT = """\
format = "mllens.snapshot"
format_version = 1

[lens]
id = "aws-ml-lens"

[workload]
name = "Fraud scoring"

[answers.MLOE-01]
level = 4
answered_at = 2026-05-01T09:00:00Z

[answers.MLOE-02]
level = 2
answered_at = 2026-05-02T09:00:00Z

[answers.MLSEC-01]
level = 1
answered_at = 2026-06-01T09:00:00Z

[answers.MLSEC-02]
level = 4
answered_at = 2026-06-10T09:00:00Z

[answers.MLSEC-05]
level = 3
answered_at = 2026-06-15T12:00:00Z

[answers.MLSEC-07]
not_applicable = true
reason = "out_of_scope"
answered_at = 2026-04-01T09:00:00Z
"""

# 170 days after the newest answer.
NOW = "2026-12-02T12:00:00Z"

ALL_HOLD = """\
[policy]
min_overall = 0.6
max_high_risks = 1
min_completeness = 0.04
max_age_days = 180
[policy.min_pillar]
security = 0.6
[policy.max_high_risks_pillar]
operationalExcellence = 0
[policy.require]
MLSEC-05 = 3
"""

ALL_HOLD_LINES = [
    "PASS min_overall: 0.70 >= 0.60",
    "PASS min_pillar.security: 0.67 >= 0.60",
    "PASS min_completeness: 0.05 >= 0.04",
    "PASS max_high_risks: 1 <= 1 HIGH risks",
    "PASS max_high_risks_pillar.operationalExcellence: 0 <= 0 HIGH risks",
    "PASS require.MLSEC-05: level 3 >= 3",
    "PASS max_age_days: 170 <= 180 days (newest: answer to MLSEC-05, 2026-06-15)",
]

ALL_BROKEN = """\
[policy]
min_overall = 0.75
max_high_risks = 0
min_completeness = 0.9
max_age_days = 100
[policy.min_pillar]
security = 0.7
[policy.max_high_risks_pillar]
security = 0
[policy.require]
MLSEC-05 = 4
"""

ALL_BROKEN_LINES = [
    "FAIL min_overall: 0.70 < 0.75",
    "FAIL min_pillar.security: 0.67 < 0.70",
    "FAIL min_completeness: 0.05 < 0.90",
    "FAIL max_high_risks: 1 > 0 HIGH risks",
    "FAIL max_high_risks_pillar.security: 1 > 0 HIGH risks",
    "FAIL require.MLSEC-05: level 3 < 4",
    "FAIL max_age_days: 170 > 100 days (newest: answer to MLSEC-05, 2026-06-15)",
]


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def check(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    policy: str,
    *extra: str,
    snapshot: str = SNAPSHOT,
) -> tuple[int, str, str]:
    snap = write(tmp_path, "review.toml", snapshot)
    pol = write(tmp_path, "policy.toml", policy)
    return run(capsys, "check", snap, "--policy", pol, "--now", NOW, *extra)


def rule_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(("PASS ", "FAIL "))]


# -- each rule, holding and broken ---------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "line", "code"),
    [
        ("[policy]\nmin_overall = 0.6", "PASS min_overall: 0.70 >= 0.60", 0),
        ("[policy]\nmin_overall = 0.75", "FAIL min_overall: 0.70 < 0.75", 4),
        # A score equal to the limit meets it ...
        ("[policy]\nmin_overall = 0.7", "PASS min_overall: 0.70 >= 0.70", 0),
        # ... and a limit just above it shows enough digits to tell them apart.
        ("[policy]\nmin_overall = 0.701", "FAIL min_overall: 0.700 < 0.701", 4),
        ("[policy.min_pillar]\nsecurity = 0.6", "PASS min_pillar.security: 0.67 >= 0.60", 0),
        ("[policy.min_pillar]\nsecurity = 0.7", "FAIL min_pillar.security: 0.67 < 0.70", 4),
        (
            "[policy.min_pillar]\nreliability = 0.5",
            "FAIL min_pillar.reliability: no score yet (nothing answered); needs 0.50",
            4,
        ),
        ("[policy]\nmin_completeness = 0.04", "PASS min_completeness: 0.05 >= 0.04", 0),
        ("[policy]\nmin_completeness = 0.9", "FAIL min_completeness: 0.05 < 0.90", 4),
        ("[policy]\nmax_high_risks = 1", "PASS max_high_risks: 1 <= 1 HIGH risks", 0),
        ("[policy]\nmax_high_risks = 0", "FAIL max_high_risks: 1 > 0 HIGH risks", 4),
        (
            "[policy.max_high_risks_pillar]\noperationalExcellence = 0",
            "PASS max_high_risks_pillar.operationalExcellence: 0 <= 0 HIGH risks",
            0,
        ),
        (
            "[policy.max_high_risks_pillar]\nsecurity = 0",
            "FAIL max_high_risks_pillar.security: 1 > 0 HIGH risks",
            4,
        ),
        ("[policy.require]\nMLSEC-05 = 3", "PASS require.MLSEC-05: level 3 >= 3", 0),
        ("[policy.require]\nMLSEC-05 = 4", "FAIL require.MLSEC-05: level 3 < 4", 4),
        (
            "[policy.require]\nMLSEC-03 = 2",
            "FAIL require.MLSEC-03: unanswered; needs level 2 or higher",
            4,
        ),
        (
            "[policy.require]\nMLSEC-07 = 0",
            "FAIL require.MLSEC-07: marked N/A; needs level 0 or higher",
            4,
        ),
        (
            "[policy]\nmax_age_days = 180",
            "PASS max_age_days: 170 <= 180 days (newest: answer to MLSEC-05, 2026-06-15)",
            0,
        ),
        (
            "[policy]\nmax_age_days = 170",
            "PASS max_age_days: 170 <= 170 days (newest: answer to MLSEC-05, 2026-06-15)",
            0,
        ),
        (
            "[policy]\nmax_age_days = 169",
            "FAIL max_age_days: 170 > 169 days (newest: answer to MLSEC-05, 2026-06-15)",
            4,
        ),
    ],
)
def test_each_rule_holding_and_broken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], policy: str, line: str, code: int
) -> None:
    got, out, err = check(tmp_path, capsys, policy + "\n")
    assert got == code
    assert rule_lines(out) == [line]
    assert err == ""


def test_all_rules_holding_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(tmp_path, capsys, ALL_HOLD)
    assert code == 0
    lines = out.splitlines()
    assert lines[:-1] == ALL_HOLD_LINES
    review = tmp_path / "review.toml"
    assert (
        lines[-1] == f"Policy holds: 7 rules passed - {review} against {tmp_path / 'policy.toml'}"
    )


def test_all_rules_broken_exit_4(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(tmp_path, capsys, ALL_BROKEN)
    assert code == 4
    lines = out.splitlines()
    assert lines[:-1] == ALL_BROKEN_LINES
    assert lines[-1].startswith("Policy broken: 7 of 7 rules failed - ")


def test_combined_policy_reports_every_rule_and_fails_on_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = ALL_HOLD.replace("MLSEC-05 = 3", "MLSEC-05 = 3\nMLSEC-01 = 2")
    code, out, _ = check(tmp_path, capsys, policy)
    assert code == 4
    assert (
        rule_lines(out)
        == [
            *ALL_HOLD_LINES[:5],
            "FAIL require.MLSEC-01: level 1 < 2",  # in lens order, before MLSEC-05
            *ALL_HOLD_LINES[5:],
        ]
    )
    assert "Policy broken: 1 of 8 rules failed" in out


def test_pillar_and_question_rules_follow_lens_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = (
        "[policy.min_pillar]\nsecurity = 0.1\noperationalExcellence = 0.1\n"
        "[policy.require]\nMLSEC-05 = 1\nMLOE-01 = 1\n"
    )
    _, out, _ = check(tmp_path, capsys, policy)
    assert [line.split(":")[0] for line in rule_lines(out)] == [
        "PASS min_pillar.operationalExcellence",
        "PASS min_pillar.security",
        "PASS require.MLOE-01",
        "PASS require.MLSEC-05",
    ]


def test_completeness_with_nothing_applicable_is_broken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], ml_lens: Any
) -> None:
    header = SNAPSHOT.split("[answers.", 1)[0]
    all_na = header + "".join(
        f'[answers.{q.id}]\nnot_applicable = true\nreason = "out_of_scope"\n\n'
        for q in ml_lens.questions
    )
    code, out, _ = check(tmp_path, capsys, "[policy]\nmin_completeness = 0\n", snapshot=all_na)
    assert code == 4
    assert rule_lines(out) == [
        "FAIL min_completeness: no applicable questions (every one is N/A); needs 0.00"
    ]


# -- the age of a review ---------------------------------------------------------------------


def test_a_milestone_in_the_snapshot_is_its_newest_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snapshot = SNAPSHOT.replace(
        "[answers.MLOE-01]",
        '[milestone]\nname = "Q4 review"\ncreated_at = 2026-11-22T12:00:00Z\n\n[answers.MLOE-01]',
    )
    code, out, _ = check(tmp_path, capsys, "[policy]\nmax_age_days = 30\n", snapshot=snapshot)
    assert code == 0
    assert rule_lines(out) == [
        "PASS max_age_days: 10 <= 30 days (newest: milestone 'Q4 review', 2026-11-22)"
    ]


def test_an_undated_snapshot_falls_back_to_exported_at_else_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    undated = "\n".join(
        line for line in SNAPSHOT.splitlines() if not line.startswith("answered_at")
    )
    policy = "[policy]\nmax_age_days = 30\n"
    code, out, _ = check(tmp_path, capsys, policy, snapshot=undated)
    assert code == 4
    assert rule_lines(out) == [
        "FAIL max_age_days: no answer or milestone date in the snapshot; needs 30"
    ]
    exported = undated.replace(
        "format_version = 1", "format_version = 1\nexported_at = 2026-11-30T12:00:00Z"
    )
    code, out, _ = check(tmp_path, capsys, policy, snapshot=exported)
    assert code == 0
    assert rule_lines(out) == ["PASS max_age_days: 2 <= 30 days (newest: exported_at, 2026-11-30)"]


def test_now_defaults_to_the_clock(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snap = write(tmp_path, "review.toml", SNAPSHOT)
    pol = write(tmp_path, "policy.toml", "[policy]\nmax_age_days = 100000\n")
    code, out, _ = run(capsys, "check", snap, "--policy", pol)
    assert code == 0
    assert rule_lines(out)[0].startswith("PASS max_age_days: ")


# -- formats ---------------------------------------------------------------------------------


def test_json_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy = (
        "[policy]\nmin_overall = 0.75\nmax_high_risks = 1\n[policy.min_pillar]\nreliability = 0.5\n"
    )
    code, out, _ = check(tmp_path, capsys, policy, "--format", "json")
    assert code == 4
    document = json.loads(out)
    assert document["passed"] is False
    rules = document["rules"]
    assert [r["rule"] for r in rules] == ["min_overall", "min_pillar.reliability", "max_high_risks"]
    assert rules[0]["passed"] is False
    assert rules[0]["value"] == pytest.approx(0.7)
    assert rules[0]["limit"] == 0.75
    assert rules[0]["message"] == "0.70 < 0.75"
    assert rules[1]["value"] is None  # nothing to measure: null, never NaN
    assert rules[2] == {
        "rule": "max_high_risks",
        "passed": True,
        "value": 1,
        "limit": 1,
        "message": "1 <= 1 HIGH risks",
    }


def test_json_document_when_the_policy_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = check(tmp_path, capsys, ALL_HOLD, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["passed"] is True
    assert len(document["rules"]) == 7
    assert all(r["passed"] for r in document["rules"])


def test_junit_xml_parses_with_one_case_per_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = ALL_HOLD.replace("min_overall = 0.6", "min_overall = 0.75").replace(
        "MLSEC-05 = 3", "MLSEC-05 = 4"
    )
    code, out, _ = check(tmp_path, capsys, policy, "--format", "junit")
    assert code == 4
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures")) == ("7", "2")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "mllens policy"
    assert (suite.get("tests"), suite.get("failures")) == ("7", "2")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [
        "min_overall",
        "min_pillar.security",
        "min_completeness",
        "max_high_risks",
        "max_high_risks_pillar.operationalExcellence",
        "require.MLSEC-05",
        "max_age_days",
    ]
    assert {c.get("classname") for c in cases} == {"mllens.policy"}
    failed = {c.get("name"): f for c in cases for f in c.findall("failure")}
    assert set(failed) == {"min_overall", "require.MLSEC-05"}
    assert failed["min_overall"].get("message") == "0.70 < 0.75"
    assert failed["require.MLSEC-05"].text == "FAIL require.MLSEC-05: level 3 < 4"
    passed = next(c for c in cases if c.get("name") == "max_age_days")
    assert passed.findtext("system-out") == ALL_HOLD_LINES[6]


def test_junit_to_a_file_keeps_the_text_report_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "reports" / "mllens-policy.xml"
    target.parent.mkdir()
    code, out, err = check(tmp_path, capsys, ALL_BROKEN, "--format", "junit", "-o", str(target))
    assert code == 4
    assert rule_lines(out) == ALL_BROKEN_LINES
    assert f"Wrote junit report to {target}" in err
    root = ET.parse(target).getroot()
    assert root.get("failures") == "7"
    assert len(root.findall("./testsuite/testcase/failure")) == 7
    assert [p.name for p in target.parent.iterdir()] == ["mllens-policy.xml"]  # no temp file left


def test_output_to_a_missing_folder_is_a_storage_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "nowhere" / "out.xml"
    code, _, err = check(tmp_path, capsys, ALL_HOLD, "--format", "junit", "-o", str(target))
    assert code == 3
    assert f"cannot write {target}" in err
    assert not target.exists()


# -- where the policy comes from ---------------------------------------------------------------


def test_default_policy_file_in_the_current_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".mllens-policy.toml").write_text("[policy]\nmin_overall = 0.75\n")
    snap = write(tmp_path, "review.toml", SNAPSHOT)
    code, out, _ = run(capsys, "check", snap)
    assert code == 4
    assert out.splitlines() == [
        "FAIL min_overall: 0.70 < 0.75",
        f"Policy broken: 1 of 1 rule failed - {snap} against .mllens-policy.toml",
    ]


def test_no_policy_is_a_usage_error_that_says_how_to_write_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    snap = write(tmp_path, "review.toml", SNAPSHOT)
    code, out, err = run(capsys, "check", snap)
    assert code == 2
    assert out == ""
    assert "no policy: give --policy FILE, or write .mllens-policy.toml" in err
    assert "[policy]\nmin_overall = 0.6" in err


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = check(tmp_path, capsys, ALL_HOLD, "--now", "last tuesday")
    assert code == 2
    assert "--now 'last tuesday'" in err
    pol = write(tmp_path, "policy.toml", ALL_HOLD)
    code, _, err = run(capsys, "check", "--policy", pol)
    assert code == 2
    assert "name a snapshot file, or a stored workload with --workload" in err
    snap = write(tmp_path, "review.toml", SNAPSHOT)
    code, out, err = run(capsys, "check", snap, "--workload", "Fraud scoring", "--policy", pol)
    assert code == 2
    assert out == ""
    assert "give one state" in err


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "where", "message"),
    [
        ("[policy]\nmin_overal = 0.6\n", "policy.min_overal", "unknown key"),
        ("[rules]\nmin_overall = 0.6\n", "rules", "unknown key"),
        ("[policy]\nmin_overall = 'high'\n", "policy.min_overall", "expected a number from 0 to 1"),
        ("[policy]\nmin_overall = nan\n", "policy.min_overall", "got nan"),
        ("[policy]\nmin_completeness = inf\n", "policy.min_completeness", "got inf"),
        ("[policy]\nmin_overall = 1.5\n", "policy.min_overall", "got 1.5"),
        ("[policy]\nmin_overall = true\n", "policy.min_overall", "got True"),
        ("[policy]\nmax_high_risks = -1\n", "policy.max_high_risks", "0 or more, got -1"),
        ("[policy]\nmax_high_risks = 1.5\n", "policy.max_high_risks", "got 1.5"),
        ("[policy]\nmax_age_days = '6 months'\n", "policy.max_age_days", "whole number"),
        ("[policy]\nmin_pillar = 0.5\n", "policy.min_pillar", "expected a table"),
        (
            "[policy.min_pillar]\nsecruity = 0.5\n",
            "policy.min_pillar.secruity",
            "unknown pillar id 'secruity' in lens 'aws-ml-lens' (expected one of: ",
        ),
        ("[policy.min_pillar]\nsecurity = -0.1\n", "policy.min_pillar.security", "got -0.1"),
        (
            "[policy.max_high_risks_pillar]\nsecurity = 'none'\n",
            "policy.max_high_risks_pillar.security",
            "whole number",
        ),
        (
            "[policy.require]\nMLSEC-99 = 3\n",
            "policy.require.MLSEC-99",
            "unknown question id 'MLSEC-99' in lens 'aws-ml-lens'",
        ),
        (
            "[policy.require]\nMLSEC-05 = 5\n",
            "policy.require.MLSEC-05",
            "expected a level from 0 to 4, got 5",
        ),
        ("[policy]\n", "policy", "no rules"),
        ("[policy.min_pillar]\n", "policy", "no rules"),
        ("title = 'x'\n", "policy", "missing table [policy]"),
    ],
)
def test_bad_policy_files_exit_1_naming_file_and_key(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    policy: str,
    where: str,
    message: str,
) -> None:
    code, out, err = check(tmp_path, capsys, policy)
    assert code == 1
    assert out == ""
    assert "policy is not valid" in err
    problem = next(line for line in err.splitlines() if f": {where}: " in line)
    assert problem.startswith(f"  - {tmp_path / 'policy.toml'}: {where}: ")
    assert message in problem
    assert "Traceback" not in err


def test_every_problem_of_a_policy_is_listed_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = "[policy]\nmin_overall = nan\nfoo = 1\n[policy.require]\nMLSEC-99 = 3\n"
    code, _, err = check(tmp_path, capsys, policy)
    assert code == 1
    assert "(3 problems)" in err
    for where in ("policy.min_overall", "policy.foo", "policy.require.MLSEC-99"):
        assert f": {where}: " in err


def test_toml_syntax_error_names_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = check(tmp_path, capsys, "[policy]\nmin_overall = 0.6\nmax_age_days = \n")
    assert code == 1
    assert out == ""
    assert f"{tmp_path / 'policy.toml'}: not valid TOML" in err
    assert "line 3" in err


def test_missing_policy_and_bad_snapshot_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snap = write(tmp_path, "review.toml", SNAPSHOT)
    code, _, err = run(capsys, "check", snap, "--policy", str(tmp_path / "nope.toml"))
    assert code == 1
    assert f"{tmp_path / 'nope.toml'}: no such file" in err
    code, _, err = check(
        tmp_path, capsys, ALL_HOLD, snapshot=SNAPSHOT.replace("level = 4", "level = 9", 1)
    )
    assert code == 1
    assert "answers.MLOE-01.level: expected a level from 0 to 4, got 9" in err


# -- a stored workload -------------------------------------------------------------------------


def test_workload_from_a_real_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "import", write(tmp_path, "review.toml", SNAPSHOT))[0] == 0
    pol = write(tmp_path, "policy.toml", ALL_BROKEN)
    code, out, _ = run(
        capsys, "check", "--workload", "Fraud scoring", "--policy", pol, "--now", NOW
    )
    assert code == 4
    lines = out.splitlines()
    assert lines[:-1] == ALL_BROKEN_LINES
    assert lines[-1] == (
        f"Policy broken: 7 of 7 rules failed - Fraud scoring (current answers) against {pol}"
    )

    # A milestone saved later (a review that changed nothing) makes the review newer.
    milestone = SNAPSHOT.replace(
        "[answers.MLOE-01]",
        '[milestone]\nname = "Q4 review"\ncreated_at = 2026-11-22T12:00:00Z\n\n[answers.MLOE-01]',
    )
    imported = run(capsys, "import", write(tmp_path, "ms.toml", milestone), "--as-milestone")
    assert imported[0] == 0
    age = write(tmp_path, "age.toml", "[policy]\nmax_age_days = 30\n")
    expected = "PASS max_age_days: 10 <= 30 days (newest: milestone 'Q4 review', 2026-11-22)"
    for extra in ([], ["--milestone", "Q4 review"]):
        code, out, _ = run(
            capsys, "check", "--workload", "Fraud scoring", *extra, "--policy", age, "--now", NOW
        )
        assert code == 0
        assert rule_lines(out) == [expected]


def test_workload_answered_now_is_fresh(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "workload", "create", "Churn")[0] == 0
    assert run(capsys, "answer", "Churn", "MLSEC-05", "2")[0] == 0
    pol = write(
        tmp_path, "policy.toml", "[policy]\nmax_age_days = 1\n[policy.require]\nMLSEC-05 = 3\n"
    )
    code, out, _ = run(capsys, "check", "--workload", "Churn", "--policy", pol)
    assert code == 4
    lines = rule_lines(out)
    assert lines[0] == "FAIL require.MLSEC-05: level 2 < 3"
    assert lines[1].startswith("PASS max_age_days: 0 <= 1 day (newest: answer to MLSEC-05, ")


def test_unknown_workload_exits_1_and_bad_policy_names_pillar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "workload", "create", "Churn")[0] == 0
    pol = write(tmp_path, "policy.toml", "[policy.min_pillar]\nsafety = 0.5\n")
    code, _, err = run(capsys, "check", "--workload", "Nope", "--policy", pol)
    assert code == 1
    assert "Nope" in err
    code, _, err = run(capsys, "check", "--workload", "Churn", "--policy", pol)
    assert code == 1
    assert f"{pol}: policy.min_pillar.safety: unknown pillar id 'safety'" in err


def test_a_custom_lens_with_choices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shared_lenses: Path
) -> None:
    """Pillar ids come from the workload's own lens; its questions have choices, not levels."""
    assert run(capsys, "lens", "import", str(shared_lenses / "Passport-Custom-Lens.json"))[0] == 0
    lens = ["--lens", "aws-passport-custom-lens"]
    assert run(capsys, *lens, "workload", "create", "passport")[0] == 0
    assert run(capsys, "answer", "passport", "overview01", "--choices", "choice1,choice2")[0] == 0
    pol = write(tmp_path, "policy.toml", "[policy.min_pillar]\noverview = 0.5\n")
    code, out, _ = run(capsys, "check", "--workload", "passport", "--policy", pol)
    assert code == 0
    assert rule_lines(out) == ["PASS min_pillar.overview: 1.00 >= 0.50"]
    pol = write(tmp_path, "policy.toml", "[policy.require]\noverview01 = 1\n")
    code, _, err = run(capsys, "check", "--workload", "passport", "--policy", pol)
    assert code == 1
    assert f"{pol}: policy.require.overview01: this question takes choices, not a level" in err


# -- the shell around it ---------------------------------------------------------------------


def test_installed_command_exit_codes(tmp_path: Path) -> None:
    """As CI runs it: the console script, its exit code and its output streams."""
    snap = write(tmp_path, "review.toml", SNAPSHOT)
    script = Path(sys.executable).parent / "mllens"
    for policy, expected in ((ALL_HOLD, 0), (ALL_BROKEN, 4), ("[policy]\nfoo = 1\n", 1)):
        pol = write(tmp_path, "policy.toml", policy)
        result = subprocess.run(
            [str(script), "check", snap, "--policy", pol, "--now", NOW],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == expected, result.stderr
        assert "Traceback" not in result.stderr


def test_policy_core_imports_no_ui_or_database_code() -> None:
    code = "import mllens_tui.policy, sys; print(' '.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded = {name.split(".")[0] for name in result.stdout.split()}
    assert not loaded & {"textual", "sqlmodel", "sqlalchemy", "plotext"}


def test_a_score_equal_to_the_limit_up_to_rounding_meets_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # With security weighed 1.1 this is (3*.5 + 3.3*.75) / (6 + 9.9) = 0.25 exactly, which
    # floating point computes as 0.24999999999999997.
    snapshot = """\
format = "mllens.snapshot"
format_version = 1
[lens]
id = "aws-ml-lens"
[workload]
name = "Rounding"
[workload.pillar_weights]
security = 1.1
[answers.MLOE-01]
level = 0
[answers.MLOE-02]
level = 2
[answers.MLSEC-01]
level = 0
[answers.MLSEC-02]
level = 0
[answers.MLSEC-05]
level = 3
"""
    code, out, _ = check(tmp_path, capsys, "[policy]\nmin_overall = 0.25\n", snapshot=snapshot)
    assert code == 0
    assert rule_lines(out) == ["PASS min_overall: 0.25 >= 0.25"]


def test_the_readme_sample_policy_is_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme.split("### Policy gates in CI", 1)[1]
    sample = section.split("```toml\n", 1)[1].split("```", 1)[0]
    code, out, err = check(tmp_path, capsys, sample)
    assert err == ""
    assert code == 4
    assert len(rule_lines(out)) == 7
