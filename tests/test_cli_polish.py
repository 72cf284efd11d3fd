"""The command line after a day of real use (issue 14): every summary with a count reads right
for one and for two, and a report names the workload's tags."""

from __future__ import annotations

from pathlib import Path

import pytest

from mllens_tui.assessment import Answer
from mllens_tui.cli import main
from mllens_tui.lens.registry import builtin_lens
from mllens_tui.store.service import Store

QUESTIONS = ["MLOE-01", "MLOE-02"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out + out.err


def many(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@pytest.fixture(params=[1, 2], ids=["one", "two"])
def n(request: pytest.FixtureRequest, db_url: str) -> int:
    """A workload W with n answers below target (so n gaps) and n milestones."""
    count: int = request.param
    store = Store.open(db_url)
    lens = builtin_lens()
    store.create_workload("W", lens)
    for qid in QUESTIONS[:count]:
        store.set_answer("W", Answer(qid, level=0))
    for i in range(count):
        store.create_milestone("W", f"M{i}", lens)
    return count


def test_export_validate_and_import(
    capsys: pytest.CaptureFixture[str], n: int, tmp_path: Path
) -> None:
    files = [tmp_path / f"w{i}.toml" for i in range(n)]
    for f in files:
        assert f"({many(n, 'answer')})" in run(capsys, "export", "W", "-o", str(f))
    assert f"lens aws-ml-lens, {many(n, 'answer')}\n" in run(
        capsys, "snapshot", "validate", str(files[0])
    )
    out = run(capsys, "import", "--as-milestone", str(files[0]))
    assert f"of workload 'W' ({many(n, 'answer')})" in out


def test_plan_counts_gaps(capsys: pytest.CaptureFixture[str], n: int) -> None:
    assert f"W: {many(n, 'gap')} to target," in run(capsys, "plan", "W")


def test_restore_counts_answers_and_milestones(capsys: pytest.CaptureFixture[str], n: int) -> None:
    run(capsys, "workload", "delete", "W", "--yes")
    out = run(capsys, "workload", "restore", "W")
    assert f"with {many(n, 'answer')} and {many(n, 'milestone')}\n" in out


def test_workshop_reveal_and_merge(
    capsys: pytest.CaptureFixture[str], n: int, tmp_path: Path
) -> None:
    run(capsys, "workshop", "start", "W")
    for qid in QUESTIONS[:n]:
        run(capsys, "workshop", "vote", "W", qid, "2", "--by", "ana")
    assert f"Revealed {many(n, 'question')} of 'W'" in run(capsys, "workshop", "reveal", "W")
    run(capsys, "workshop", "close", "W")
    files = [tmp_path / f"p{i}.toml" for i in range(n)]
    for f in files:
        run(capsys, "export", "W", "-o", str(f))
    out = run(capsys, "workshop", "merge", "--into", "W", *map(str, files))
    assert f"Merged {many(n, 'snapshot')} " in out
    assert f": {many(n, 'question')} answered where they agree." in out


def test_check_max_age_in_days(capsys: pytest.CaptureFixture[str], n: int, tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(f"[policy]\nmax_age_days = {n}\n")
    out = run(capsys, "check", "--workload", "W", "--policy", str(policy))
    assert f" {many(n, 'day')} (newest:" in out


# -- a workload's tags are in its report (issue 14's follow-ups) ---------------------------------


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_report_names_the_workloads_tags(
    capsys: pytest.CaptureFixture[str], db_url: str, fmt: str
) -> None:
    import json

    Store.open(db_url).create_workload("W", builtin_lens())
    run(capsys, "workload", "tag", "W", "team-risk", "prod")
    out = run(capsys, "report", "W", "--format", fmt)
    if fmt == "json":
        assert json.loads(out)["tags"] == ["prod", "team-risk"]
    else:
        assert "Tags: prod, team-risk" in out
