"""Either id of a practice (2023 or 2025) finds it; answers stay stored under the 2023 id.

``fixtures/snapshot-before-2025-ids.toml`` is the demo workload as ``mllens export`` wrote it
before the lens knew 2025 ids (exported from main at 85569c9): it must import and score as it
did then.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from mllens_tui.cli import main
from mllens_tui.lens.registry import builtin_lens

OLD_SNAPSHOT = Path(__file__).parent / "fixtures" / "snapshot-before-2025-ids.toml"
# What `mllens score --json` printed for OLD_SNAPSHOT before this change.
OLD_OVERALL = 0.6580234833659491
OLD_LEVEL = 2.6320939334637963


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    return out


def answer_keys(text: str) -> list[str]:
    return list(tomllib.loads(text)["answers"])


def test_an_old_snapshot_scores_exactly_as_before(capsys: pytest.CaptureFixture[str]) -> None:
    scores = json.loads(ok(capsys, "score", str(OLD_SNAPSHOT), "--json"))
    assert scores["overall"]["score"] == OLD_OVERALL
    assert scores["overall"]["level"] == OLD_LEVEL
    assert (scores["overall"]["answered"], scores["overall"]["applicable"]) == (94, 104)


def test_an_old_snapshot_imports_under_the_same_ids_and_exports_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ok(capsys, "import", str(OLD_SNAPSHOT))
    scores = json.loads(ok(capsys, "score", "--workload", "Fraud scoring (demo)", "--json"))
    assert scores["overall"]["score"] == OLD_OVERALL
    out = tmp_path / "again.toml"
    ok(capsys, "export", "Fraud scoring (demo)", "-o", str(out))
    before = tomllib.loads(OLD_SNAPSHOT.read_text())["answers"]
    after = tomllib.loads(out.read_text())["answers"]
    assert list(after) == list(before)
    assert {k: a.get("level") for k, a in after.items()} == {
        k: a.get("level") for k, a in before.items()
    }


def test_a_snapshot_keyed_by_2025_ids_imports_as_the_2023_ids(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lens = builtin_lens()
    text = OLD_SNAPSHOT.read_text()
    # Rewrite every answer key to the 2025 id, in lower case for half of them.
    for i, question in enumerate(q for q in lens.questions if q.id_2025):
        new_id = question.id_2025.lower() if i % 2 else question.id_2025
        text = text.replace(f"[answers.{question.id}]", f"[answers.{new_id}]")
    renamed = tmp_path / "by-2025-ids.toml"
    renamed.write_text(text)
    assert "[answers.MLOPS01-BP01]" in text and "[answers.MLOE-01]" not in text

    scores = json.loads(ok(capsys, "score", str(renamed), "--json"))
    assert scores["overall"]["score"] == OLD_OVERALL
    ok(capsys, "import", str(renamed), "--workload", "renamed")
    out = tmp_path / "export.toml"
    ok(capsys, "export", "renamed", "-o", str(out))
    assert answer_keys(out.read_text()) == answer_keys(OLD_SNAPSHOT.read_text())


def test_a_snapshot_answering_one_practice_under_both_ids_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = OLD_SNAPSHOT.read_text()
    both = tmp_path / "both.toml"
    both.write_text(text + '\n[answers.MLOPS01-BP01]\nlevel = 1\nconfidence = "asserted"\n')
    code, _, err = run(capsys, "import", str(both))
    assert code == 1
    assert "both.toml" in err and "answers.MLOPS01-BP01" in err and "MLOE-01" in err
    code, out, _ = run(capsys, "workload", "list")
    assert "Fraud scoring" not in out  # nothing was stored


def test_answer_and_history_take_either_id(capsys: pytest.CaptureFixture[str]) -> None:
    ok(capsys, "workload", "create", "w")
    out = ok(capsys, "answer", "w", "mlops01-bp01", "2", "--by", "ann")
    assert "MLOE-01 = level 2" in out
    ok(capsys, "answer", "w", "mloe-01", "3", "--by", "bo")
    history = ok(capsys, "history", "w", "MLOPS01-BP01")
    assert "History of MLOE-01" in history
    assert re.search(r"ann\s+level\s+.*-> 2", history)
    assert re.search(r"bo\s+level\s+2 -> 3", history)
    text = ok(capsys, "export", "w")
    assert answer_keys(text) == ["MLOE-01"]
    code, _, err = run(capsys, "answer", "w", "MLOPS09-BP01", "2")
    assert code == 1 and "unknown question id 'MLOPS09-BP01'" in err


def test_open_accepts_a_2025_question_id_and_refuses_an_unknown_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    ok(capsys, "workload", "create", "w")
    code, _, err = run(capsys, "open", "w", "--question", "MLOPS99-BP01")
    assert code == 1 and "unknown question id 'MLOPS99-BP01'" in err
