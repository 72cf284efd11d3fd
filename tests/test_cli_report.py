"""`mllens demo` and `mllens report` on a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mllens_tui.cli import main

DEMO = "Fraud scoring (demo)"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def demo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo")
    assert code == 0 and "3 milestones" in out


def test_demo_twice_refuses_without_touching_the_first(
    demo: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "demo")
    assert code == 1 and "exists already" in err
    code, out, _ = run(capsys, "milestone", "list", DEMO)
    assert code == 0 and "2026 Q4 review" in out


def test_markdown_report(demo: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", DEMO, "--format", "markdown")
    assert code == 0
    assert out.startswith("# ")
    assert "Sustainability" in out  # the floor pillar of the demo
    assert "2026 Q4 review" in out  # the trend since the previous milestone
    assert "https://docs.aws.amazon.com/wellarchitected/latest/machine-learning-lens/" in out


def test_text_report_has_charts_at_the_given_width(
    demo: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", DEMO, "--width", "72")
    assert code == 0
    assert "Pillar scores" in out and "Pillar x phase" in out
    assert max(len(line) for line in out.splitlines()) <= 72


def test_json_report_of_a_milestone_to_a_file(
    demo: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "q3.json"
    code, out, _ = run(
        capsys,
        "report",
        DEMO,
        "--milestone",
        "2026 Q3 review",
        "--format",
        "json",
        "-o",
        str(target),
    )
    assert code == 0 and out == ""
    data = json.loads(target.read_text())
    assert data["milestone"] == "2026 Q3 review"
    assert [p["label"] for p in data["history"]] == ["2026 Q2 baseline", "2026 Q3 review"]
    assert data["trend"]  # compared with the Q2 baseline


def test_report_of_unknown_workload_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "report", "nope")
    assert code == 1 and "nope" in err


def test_text_and_markdown_reports_list_the_choices_that_would_lower_a_risk(
    capsys: pytest.CaptureFixture[str], fixture_lenses: Path
) -> None:
    assert main(["lens", "import", str(fixture_lenses / "batch-inference-lens.json")]) == 0
    assert main(["--lens", "batch-inference-lens", "workload", "create", "nightly"]) == 0
    assert main(["answer", "nightly", "OPS_1", "--choices", "OPS_1_1"]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "report", "nightly", "--width", "120")
    assert code == 0
    plan = out[out.index("Improvement plan") :]
    assert "OPS_1" in plan
    assert "+ A late or short run pages the owner: Start with one pipeline" in plan
    assert "+ Runs can be replayed for one day: Start with one pipeline" in plan
    assert "+ Each run reports its row count" not in plan  # chosen already
    code, out, _ = run(capsys, "report", "nightly", "--format", "markdown")
    assert code == 0 and "   - Runs can be replayed for one day: Start with one" in out
