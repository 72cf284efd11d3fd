"""`mllens score`, `compare` and `snapshot validate` on snapshot files, as a user runs them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mllens_tui.cli import main
from mllens_tui.paths import builtin_lens_dir

BASE = """\
format = "mllens.snapshot"
format_version = 1

[lens]
id = "aws-ml-lens"

[workload]
name = "Fraud scoring"

[workload.pillar_weights]
security = 2.0

[answers.MLOE-01]
level = 2
target = 4

[answers.MLSEC-01]
level = 1

[answers.MLSEC-07]
not_applicable = true
reason = "out_of_scope"
"""


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_score_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", write(tmp_path, "a.toml", BASE))
    assert code == 0
    assert "Overall        33.3%, level 1.3 of 4" in out  # (3*.5 + 6*.25) / 9
    assert "Floor pillar   Security (25.0%)" in out
    assert "1. MLSEC-01   1->3" in out


def test_score_json_and_equal_weights(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "a.toml", BASE)
    code, out, _ = run(capsys, "score", path, "--json")
    data = json.loads(out)
    assert code == 0 and data["weights"] == "lens"
    assert data["overall"]["score"] == pytest.approx(1 / 3)
    assert data["questions"]["MLSEC-07"]["status"] == "not_applicable"
    assert data["floor"] == {"pillar": "security", "score": 0.25}
    code, out, _ = run(capsys, "score", path, "--json", "--equal-weights")
    data = json.loads(out)
    assert data["weights"] == "equal" and data["overall"]["score"] == pytest.approx(0.375)


def test_compare_text_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write(tmp_path, "a.toml", BASE)
    b = write(tmp_path, "b.toml", BASE.replace("level = 1", "level = 3"))
    code, out, _ = run(capsys, "compare", a, b)
    assert code == 0
    assert "MLSEC-01   improved" in out and "level 1 -> level 3" in out
    assert "Security" in out and "↑" in out
    code, out, _ = run(capsys, "compare", a, b, "--json")
    data = json.loads(out)
    assert data["questions"] == [
        {
            "question": "MLSEC-01",
            "change": "improved",
            "a": {"status": "answered", "level": 1},
            "b": {"status": "answered", "level": 3},
        },
    ]
    assert data["overall"]["delta"] == pytest.approx(data["overall"]["b"] - data["overall"]["a"])


def test_compare_across_lens_contents_scores_common_questions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A user lens derived from the ML Lens, without one question and with its own id.
    folder = tmp_path / "lens-v2"
    shutil.copytree(builtin_lens_dir(), folder)
    header = folder / "lens.toml"
    header.write_text(header.read_text().replace('id = "aws-ml-lens"', 'id = "ml-lens-v2"', 1))
    sus = folder / "06-sustainability.toml"
    text = sus.read_text()
    sus.write_text(text[: text.index('[[questions]]\nid = "MLSUS-16"')])
    a = write(tmp_path, "a.toml", BASE)
    b = write(tmp_path, "b.toml", BASE.replace('id = "aws-ml-lens"', 'id = "ml-lens-v2"'))
    monkeypatch.setenv("MLLENS_LENS", str(folder))
    code, out, _ = run(capsys, "--lens", str(folder), "compare", a, b, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["lens_changed"] is True
    assert data["common_questions"] == 104 and data["only_in_a"] == ["MLSUS-16"]
    code, out, _ = run(capsys, "--lens", str(folder), "compare", a, b)
    assert "scored on the 104 questions they share" in out


def test_snapshot_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "snapshot", "validate", write(tmp_path, "a.toml", BASE))
    assert code == 0 and "is valid" in out and "3 answers" in out


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (BASE.replace("level = 2", "level = 2 2"), "line 14"),
        (BASE.replace("MLSEC-01]", "MLSEC-99]"), "unknown question id 'MLSEC-99'"),
        (BASE.replace("level = 1", "level = 5"), "answers.MLSEC-01.level: expected a level"),
        (BASE.replace('reason = "out_of_scope"\n', ""), "an N/A answer needs a reason"),
        (BASE.replace("security = 2.0", "security = -1"), "expected a number greater than 0"),
        (BASE.replace("format_version = 1", "format_version = 2"), "newer mllens-tui"),
        (BASE.replace('id = "aws-ml-lens"', 'id = "nope"'), "lens 'nope' is not installed"),
    ],
)
def test_bad_snapshots_exit_1_with_a_located_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, fragment: str
) -> None:
    path = write(tmp_path, "bad.toml", text)
    for argv in (["score", path], ["snapshot", "validate", path], ["compare", path, path]):
        code, out, err = run(capsys, *argv)
        assert code == 1
        assert fragment in err and "bad.toml" in err
        assert "Traceback" not in err and out == ""


def test_missing_file_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "score", "/nonexistent/x.toml")
    assert code == 1 and "no such file" in err


def test_the_installed_command_reports_without_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.toml", BASE.replace("level = 2", "level = = 2"))
    result = subprocess.run(
        [sys.executable, "-m", "mllens_tui", "score", path], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "not valid TOML" in result.stderr and "Traceback" not in result.stderr
