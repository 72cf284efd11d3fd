"""The storage commands as a user runs them: workload, answer, export, import, milestone,
history, and score / compare on stored workloads. Each test has its own database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mllens_tui.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return out


@pytest.fixture
def fraud(capsys: pytest.CaptureFixture[str]) -> str:
    """A workload with a few answers of every kind."""
    ok(
        capsys,
        "workload",
        "create",
        "fraud",
        "--description",
        "Card fraud scoring",
        "--environment",
        "production",
        "--weight",
        "security=2",
    )
    ok(
        capsys,
        "answer",
        "fraud",
        "MLOE-01",
        "3",
        "--target",
        "4",
        "--notes",
        'Runbook "v2"\nok',
        "--evidence",
        "https://wiki/runbook",
        "--confidence",
        "evidenced",
        "--by",
        "ann",
    )
    ok(capsys, "answer", "fraud", "MLOE-02", "--na", "out_of_scope", "--by", "bo")
    ok(capsys, "answer", "fraud", "MLSEC-01", "1")
    return "fraud"


# -- workload ------------------------------------------------------------------------------------


def test_workload_create_list_rename(capsys: pytest.CaptureFixture[str], fraud: str) -> None:
    out = ok(capsys, "workload", "list")
    header, row = out.splitlines()
    assert header.split()[:3] == ["Workload", "Lens", "Answered"]
    assert row.split()[:5] == ["fraud", "aws-ml-lens", "2/105", "1", "0"]
    assert row.rstrip().endswith("production")

    [data] = json.loads(ok(capsys, "workload", "list", "--json"))
    assert data["pillar_weights"] == {"security": 2.0}
    assert (data["answered"], data["not_applicable"], data["questions"]) == (2, 1, 105)

    code, _, err = run(capsys, "workload", "create", "fraud")
    assert code == 1 and "a workload named 'fraud' exists already" in err
    ok(capsys, "workload", "create", "churn")
    code, _, err = run(capsys, "workload", "rename", "fraud", "churn")
    assert code == 1 and "exists already" in err
    assert "Renamed workload 'fraud' to 'card-fraud'" in ok(
        capsys, "workload", "rename", "fraud", "card-fraud"
    )
    code, _, err = run(capsys, "workload", "rename", "fraud", "x")
    assert code == 1 and "no workload named 'fraud' (see: mllens workload list)" in err
    names = [w["name"] for w in json.loads(ok(capsys, "workload", "list", "--json"))]
    assert names == ["card-fraud", "churn"]


def test_workload_list_when_empty(capsys: pytest.CaptureFixture[str]) -> None:
    assert "No workloads yet" in ok(capsys, "workload", "list")
    assert json.loads(ok(capsys, "workload", "list", "--json")) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--weight", "security"], "expected PILLAR=NUMBER"),
        (["--weight", "nope=2"], "unknown pillar 'nope'"),
        (["--weight", "security=0"], "greater than 0"),
        (["--target", "7"], "target 7 is not a level of lens 'aws-ml-lens'"),
    ],
)
def test_workload_create_refuses_bad_values(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, "workload", "create", "w", *argv)
    assert code == 1 and message in err
    assert json.loads(ok(capsys, "workload", "list", "--json")) == []


@pytest.mark.parametrize(
    ("folder", "name", "lens_id"),
    [
        # our own Yes/No lens, and the real one it stands in for where ../shared/ is (CI)
        pytest.param(
            "fixture_lenses",
            "experiment-tracking-lens.json",
            "experiment-tracking-lens",
            id="fixture",
        ),
        pytest.param(
            "shared_lenses", "Passport-Custom-Lens.json", "aws-passport-custom-lens", id="shared"
        ),
    ],
)
def test_workload_with_a_user_lens_and_choices(
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
    folder: str,
    name: str,
    lens_id: str,
) -> None:
    ok(capsys, "lens", "import", str(request.getfixturevalue(folder) / name))
    ok(capsys, "--lens", lens_id, "workload", "create", "passport")
    out = ok(capsys, "answer", "passport", "overview01", "--choices", "choice2,choice1")
    assert "overview01 = choices choice1, choice2" in out
    code, _, err = run(capsys, "answer", "passport", "overview01", "2")
    assert code == 1 and "takes choices, not a level" in err
    code, _, err = run(capsys, "answer", "passport", "overview01", "--choices", "choice9")
    assert code == 1 and "unknown choice 'choice9'" in err
    text = ok(capsys, "export", "passport")
    assert 'choices = [\n    "choice1",\n    "choice2",\n]' in text


def test_score_a_workload_on_an_imported_lens_counts_choices_and_applies_risk_rules(
    capsys: pytest.CaptureFixture[str], fixture_lenses: Path
) -> None:
    ok(capsys, "lens", "import", str(fixture_lenses / "batch-inference-lens.json"))
    ok(capsys, "--lens", "batch-inference-lens", "workload", "create", "nightly")
    ok(capsys, "answer", "nightly", "OPS_1", "--choices", "OPS_1_1,OPS_1_2")
    ok(capsys, "answer", "nightly", "SEC_1", "--choices", "SEC_1_no")
    ok(capsys, "answer", "nightly", "REL_1", "--choices", "REL_1_1,REL_1_2,REL_1_3")
    scores = json.loads(ok(capsys, "score", "--workload", "nightly", "--json"))
    assert scores["lens"]["id"] == "batch-inference-lens"
    questions = scores["questions"]
    # 2 of the 3 countable choices ("None of these" never counts); no rule but default holds
    assert questions["OPS_1"]["value"] == pytest.approx(2 / 3)
    assert questions["OPS_1"]["risk"] == "MEDIUM"
    assert (questions["SEC_1"]["value"], questions["SEC_1"]["risk"]) == (0.0, "HIGH")
    assert (questions["REL_1"]["value"], questions["REL_1"]["risk"]) == (1.0, "NONE")
    assert questions["PERF_1"]["status"] == "unanswered"
    overall = scores["overall"]
    assert overall["score"] == pytest.approx((2 / 3 + 0 + 1) / 3)
    assert (overall["answered"], overall["total"]) == (3, 6)
    assert scores["floor"] == {"pillar": "security", "score": 0.0}


def test_workload_delete_needs_a_yes(
    capsys: pytest.CaptureFixture[str], fraud: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, "workload", "delete", "fraud")  # stdin is not a terminal here
    assert code == 1 and "pass --yes" in err
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    prompts: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt: prompts.append(prompt) or "n")
    code, out, _ = run(capsys, "workload", "delete", "fraud")
    assert code == 1 and "Nothing deleted" in out
    assert "Delete workload 'fraud' with its 3 answers" in prompts[0]
    assert "It stays in the trash for 30 days" in prompts[0]
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    out = ok(capsys, "workload", "delete", "fraud")
    assert "Moved workload 'fraud' to the trash" in out
    assert "mllens workload restore fraud" in out
    code, _, err = run(capsys, "workload", "delete", "fraud", "--yes")
    assert code == 1 and "no workload named 'fraud'" in err


def test_workload_delete_with_yes(capsys: pytest.CaptureFixture[str], fraud: str) -> None:
    ok(capsys, "workload", "delete", "fraud", "--yes")
    assert "No workloads yet" in ok(capsys, "workload", "list")


# -- answer --------------------------------------------------------------------------------------


def test_answer_validates_against_the_workloads_lens(
    capsys: pytest.CaptureFixture[str], fraud: str
) -> None:
    code, _, err = run(capsys, "answer", "fraud", "X", "2")
    assert code == 1 and "mllens: unknown question id 'X' in lens 'aws-ml-lens'" in err
    code, _, err = run(capsys, "answer", "fraud", "MLOE-03", "5")
    assert code == 1 and "level 5 is not a level of lens 'aws-ml-lens' (0 to 4)" in err
    code, _, err = run(capsys, "answer", "fraud", "MLOE-03", "2", "--target", "9")
    assert code == 1 and "target 9" in err
    code, _, err = run(capsys, "answer", "fraud", "MLOE-03", "--choices", "a")
    assert code == 1 and "takes a level (0 to 4), not choices" in err
    code, _, err = run(capsys, "answer", "nope", "MLOE-03", "2")
    assert code == 1 and "no workload named 'nope'" in err
    for argv in (["MLOE-03"], ["MLOE-03", "2", "--na", "other"], ["MLOE-03", "--na", "why"]):
        with pytest.raises(SystemExit) as info:
            main(["answer", "fraud", *argv])
        assert info.value.code == 2
    capsys.readouterr()


def test_answer_keeps_what_is_not_given(capsys: pytest.CaptureFixture[str], fraud: str) -> None:
    out = ok(capsys, "answer", "fraud", "MLOE-01", "4", "--by", "cy")
    assert out.startswith("fraud: MLOE-01 = level 4 (Optimized), target 4; overall now")
    text = ok(capsys, "export", "fraud")
    entry = text[text.index("[answers.MLOE-01]") :].split("\n\n")[0]
    assert 'evidence = "https://wiki/runbook"' in entry and 'confidence = "evidenced"' in entry
    assert "Runbook" in entry and 'answered_by = "cy"' in entry
    ok(capsys, "answer", "fraud", "MLOE-01", "--na", "other", "--notes", "")
    text = ok(capsys, "export", "fraud")
    entry = text[text.index("[answers.MLOE-01]") :].split("\n\n")[0]
    assert "not_applicable = true" in entry and "level" not in entry and "notes" not in entry


# -- export / import -----------------------------------------------------------------------------


def test_export_import_export_is_byte_identical(
    capsys: pytest.CaptureFixture[str], fraud: str, tmp_path: Path
) -> None:
    first = tmp_path / "fraud.toml"
    assert "Exported workload 'fraud' (3 answers)" in ok(
        capsys, "export", "fraud", "-o", str(first)
    )
    assert first.read_text() == ok(capsys, "export", "fraud")  # the file is what stdout shows
    fresh = f"sqlite:///{tmp_path / 'fresh' / 'other.db'}"
    out = ok(capsys, "--db", fresh, "import", str(first))
    assert "into workload 'fraud': 2 answered, 1 N/A" in out
    second = tmp_path / "again.toml"
    ok(capsys, "--db", fresh, "export", "fraud", "-o", str(second))
    assert second.read_bytes() == first.read_bytes()
    # the same scores on the other side
    assert ok(capsys, "--db", fresh, "score", "--workload", "fraud", "--json") == ok(
        capsys, "score", "--workload", "fraud", "--json"
    )


def test_milestone_export_import_export_is_byte_identical(
    capsys: pytest.CaptureFixture[str], fraud: str, tmp_path: Path
) -> None:
    ok(capsys, "milestone", "create", "fraud", "2026-Q4")
    first = ok(capsys, "export", "fraud", "--milestone", "2026-Q4")
    assert '[milestone]\nname = "2026-Q4"' in first
    path = tmp_path / "m.toml"
    path.write_text(first)
    fresh = f"sqlite:///{tmp_path / 'other.db'}"
    out = ok(capsys, "--db", fresh, "import", str(path), "--as-milestone")
    assert "as milestone '2026-Q4' of workload 'fraud'" in out
    assert ok(capsys, "--db", fresh, "export", "fraud", "--milestone", "2026-Q4") == first
    code, _, err = run(capsys, "--db", fresh, "import", str(path), "--as-milestone")
    assert code == 1 and "already has a milestone named '2026-Q4'" in err


def test_import_into_another_workload_and_over_an_existing_one(
    capsys: pytest.CaptureFixture[str], fraud: str, tmp_path: Path
) -> None:
    path = tmp_path / "fraud.toml"
    ok(capsys, "export", "fraud", "-o", str(path))
    ok(capsys, "import", str(path), "--workload", "copy")
    assert ok(capsys, "export", "copy").replace('name = "copy"', 'name = "fraud"') == (
        path.read_text()
    )
    ok(capsys, "answer", "fraud", "MLREL-01", "4")
    ok(capsys, "answer", "fraud", "MLOE-01", "0")
    ok(capsys, "import", str(path))  # back to the exported state
    assert ok(capsys, "export", "fraud") == path.read_text()
    history = json.loads(ok(capsys, "history", "fraud", "MLREL-01", "--json"))
    assert [(h["old"], h["new"]) for h in history if h["field"] == "level"] == [
        (None, 4),
        (4, None),
    ]


def test_import_a_milestone_file_as_current_answers(
    capsys: pytest.CaptureFixture[str], fraud: str, tmp_path: Path
) -> None:
    ok(capsys, "milestone", "create", "fraud", "m")
    path = tmp_path / "m.toml"
    ok(capsys, "export", "fraud", "--milestone", "m", "-o", str(path))
    code, out, err = run(capsys, "import", str(path), "--workload", "restored")
    assert code == 0 and "note:" in err and "--as-milestone" in err
    assert "into workload 'restored'" in out


def test_import_refuses_invalid_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('format = "mllens.snapshot"\nformat_version = 1\n[lens]\nid = "aws-ml-lens"\n')
    code, _, err = run(capsys, "import", str(bad))
    assert code == 1 and "workload: missing table [workload]" in err
    code, _, err = run(capsys, "import", str(tmp_path / "missing.toml"))
    assert code == 1 and "no such file" in err
    assert json.loads(ok(capsys, "workload", "list", "--json")) == []


def test_export_errors(capsys: pytest.CaptureFixture[str], fraud: str, tmp_path: Path) -> None:
    code, _, err = run(capsys, "export", "nope")
    assert code == 1 and "no workload named 'nope'" in err
    code, _, err = run(capsys, "export", "fraud", "--milestone", "nope")
    assert code == 1 and "has no milestone named 'nope'" in err
    code, _, err = run(capsys, "export", "fraud", "-o", str(tmp_path / "no" / "dir.toml"))
    assert code == 3 and "cannot write" in err and "nothing was written" in err


# -- milestone -----------------------------------------------------------------------------------


def test_milestones(capsys: pytest.CaptureFixture[str], fraud: str) -> None:
    assert "has no milestones yet" in ok(capsys, "milestone", "list", "fraud")
    out = ok(capsys, "milestone", "create", "fraud", "baseline")
    assert "Saved milestone 'baseline' of workload 'fraud': overall" in out
    ok(capsys, "answer", "fraud", "MLSEC-01", "4")
    ok(capsys, "milestone", "create", "fraud", "after fixes")
    code, _, err = run(capsys, "milestone", "create", "fraud", "baseline")
    assert code == 1 and "already has a milestone named 'baseline'" in err

    lines = ok(capsys, "milestone", "list", "fraud").splitlines()
    assert lines[0].split()[:2] == ["Milestone", "Created"]
    assert [line.split()[0] for line in lines[1:]] == ["baseline", "after"]
    listed = json.loads(ok(capsys, "milestone", "list", "fraud", "--json"))
    assert [m["name"] for m in listed] == ["baseline", "after fixes"]
    assert listed[0]["overall"] < listed[1]["overall"]

    out = ok(capsys, "milestone", "show", "fraud", "baseline")
    assert out.startswith("Milestone 'baseline' of workload 'fraud'")
    assert "Overall" in out and "Floor pillar" in out
    shown = json.loads(ok(capsys, "milestone", "show", "fraud", "baseline", "--json"))
    assert shown["scores"]["overall"]["score"] == pytest.approx(listed[0]["overall"])
    assert shown["milestone"]["answered"] == 2
    code, _, err = run(capsys, "milestone", "show", "fraud", "nope")
    assert code == 1 and "(see: mllens milestone list 'fraud')" in err


# -- history -------------------------------------------------------------------------------------


def test_history(capsys: pytest.CaptureFixture[str], fraud: str) -> None:
    ok(capsys, "milestone", "create", "fraud", "m1")
    ok(capsys, "answer", "fraud", "MLSEC-01", "3", "--by", "cy")
    lines = ok(capsys, "history", "fraud").splitlines()
    assert lines[1].split()[:4] == ["When", "Kind", "Overall", "Ops"]
    kinds = [line.split()[2] for line in lines[2:]]
    assert kinds == ["change", "change", "change", "milestone", "change"]
    assert lines[-1].endswith("MLSEC-01 level 1 -> 3")
    points = json.loads(ok(capsys, "history", "fraud", "--json"))
    assert [p["kind"] for p in points] == kinds
    assert points[-1]["by"] == "cy" and points[-1]["overall"] > points[-2]["overall"]
    assert set(points[0]["pillars"]) == {
        "operationalExcellence",
        "security",
        "reliability",
        "performance",
        "costOptimization",
        "sustainability",
    }

    lines = ok(capsys, "history", "fraud", "MLSEC-01").splitlines()
    assert lines[0].startswith("History of MLSEC-01 in workload 'fraud' (times in UTC), now at")
    assert [line.split()[-3:] for line in lines[2:]] == [["-", "->", "1"], ["1", "->", "3"]]
    changes = json.loads(ok(capsys, "history", "fraud", "MLOE-01", "--json"))
    assert {c["field"] for c in changes} == {"level", "target", "notes", "evidence", "confidence"}
    assert "never been answered" in ok(capsys, "history", "fraud", "MLREL-01")
    code, _, err = run(capsys, "history", "fraud", "NOPE-1")
    assert code == 1 and "unknown question id 'NOPE-1'" in err


def test_history_of_an_empty_workload(capsys: pytest.CaptureFixture[str]) -> None:
    ok(capsys, "workload", "create", "w")
    assert "no answers and no milestones yet" in ok(capsys, "history", "w")
    assert json.loads(ok(capsys, "history", "w", "--json")) == []


# -- score and compare on stored workloads -------------------------------------------------------


def test_score_a_workload_and_a_milestone(capsys: pytest.CaptureFixture[str], fraud: str) -> None:
    ok(capsys, "milestone", "create", "fraud", "m1")
    ok(capsys, "answer", "fraud", "MLSEC-01", "4")
    now = json.loads(ok(capsys, "score", "--workload", "fraud", "--json"))
    then = json.loads(ok(capsys, "score", "--workload", "fraud", "--milestone", "m1", "--json"))
    assert now["overall"]["score"] > then["overall"]["score"]
    assert then["questions"]["MLSEC-01"]["level"] == 1
    assert ok(capsys, "score", "--workload", "fraud").startswith("fraud - AWS Well-Architected")
    code, _, err = run(capsys, "score", "--milestone", "m1")
    assert code == 2 and "--milestone needs --workload" in err
    code, _, err = run(capsys, "score")
    assert code == 2 and "name a snapshot file" in err
    code, _, err = run(capsys, "score", "--workload", "nope")
    assert code == 1 and "no workload named 'nope'" in err


def test_compare_workload_states(
    capsys: pytest.CaptureFixture[str], fraud: str, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "compare", "--workload", "fraud")
    assert code == 1 and "has no milestone to compare with" in err
    ok(capsys, "milestone", "create", "fraud", "m1")
    ok(capsys, "answer", "fraud", "MLSEC-01", "3")
    ok(capsys, "milestone", "create", "fraud", "m2")
    ok(capsys, "answer", "fraud", "MLREL-01", "2")

    out = ok(capsys, "compare", "--workload", "fraud", "--milestone", "m1", "--milestone", "m2")
    assert out.startswith("A: fraud @ m1\nB: fraud @ m2")
    assert "MLSEC-01   improved" in out and "MLREL-01" not in out

    out = ok(capsys, "compare", "--workload", "fraud", "--milestone", "m1")
    assert out.startswith("A: fraud @ m1\nB: fraud (current answers)")
    assert "MLREL-01   newly answered" in out

    latest = json.loads(ok(capsys, "compare", "--workload", "fraud", "--json"))
    assert [q["question"] for q in latest["questions"]] == ["MLREL-01"]

    path = tmp_path / "m1.toml"
    ok(capsys, "export", "fraud", "--milestone", "m1", "-o", str(path))
    out = ok(capsys, "compare", str(path), "--workload", "fraud", "--milestone", "m2")
    assert out.startswith(f"A: {path}\nB: fraud @ m2")

    for argv in (
        ["--milestone", "m1"],
        ["--workload", "fraud", "--milestone", "m1", "--milestone", "m2", "--milestone", "m1"],
        [str(path), str(path), "--workload", "fraud"],
    ):
        code, _, err = run(capsys, "compare", *argv)
        assert code == 2, argv


def test_compare_help_explains_the_sides(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    out = capsys.readouterr().out
    assert "--workload W --milestone M1 --milestone M2" in out
    assert "latest milestone against" in out


# -- storage failures reach the user as messages -------------------------------------------------


def test_storage_failure_exit_code(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"\x00garbage" * 512)
    for argv in (["workload", "list"], ["score", "--workload", "w"], ["history", "w"]):
        code, out, err = run(capsys, "--db", f"sqlite:///{broken}", *argv)
        assert code == 3 and out == "" and err.startswith(f"mllens: {broken} is damaged"), argv


def test_storage_commands_import_no_database_code_until_they_run() -> None:
    import subprocess
    import sys

    code = (
        "import contextlib, io, sys\n"
        "import mllens_tui.store, mllens_tui.store.errors, mllens_tui.store.records\n"
        "from mllens_tui.cli import main\n"
        "for argv in (['--help'], ['workload', '--help'], ['answer', '--help']):\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n            main(argv)\n        except SystemExit:\n            pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'sqlmodel'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_open_refuses_an_unknown_workload_or_question_before_the_app_starts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["open", "nosuch"]) == 1
    assert "no workload named 'nosuch'" in capsys.readouterr().err
    assert main(["workload", "create", "W"]) == 0
    assert main(["open", "W", "--question", "MLOE-99"]) == 1
    assert "unknown question id 'MLOE-99'" in capsys.readouterr().err
    assert main(["open", "--question", "MLOE-01"]) == 2
