"""Issue 9: `lens import --id` takes only whole valid ids, a slug clash suggests --id, and no
human-readable output lets an escape sequence from a file or the database reach the terminal."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from mllens_tui.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "lenses"
TRACKING = FIXTURES / "experiment-tracking-lens.json"
ESC_TITLE = "\x1b]0;owned\x07\x1b[2J"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _tree(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ("tracking\n", "a trailing newline"),
        ("", "an empty id"),
        ("-tracking", "a leading dash"),
        ("a" * 129, "129 characters"),
        ("track ing", "a space"),
        ("tracking\x1b", "an escape character"),
    ],
)
def test_lens_import_refuses_an_id_that_is_not_whole_and_valid(
    capsys: pytest.CaptureFixture[str], isolated_data: Path, given: str, why: str
) -> None:
    code, out, err = run(capsys, "lens", "import", str(TRACKING), f"--id={given}")
    assert code == 2, why
    assert "--id" in err and "letters, digits" in err
    assert "Traceback" not in err and out == ""
    assert _tree(isolated_data / "lenses") == {}, "nothing is installed"
    assert "\x1b" not in err, "the bad id is shown escaped"


def test_a_second_lens_with_the_same_id_is_told_to_use_another_id(
    capsys: pytest.CaptureFixture[str], isolated_data: Path, tmp_path: Path
) -> None:
    assert run(capsys, "lens", "import", str(TRACKING))[0] == 0
    before = _tree(isolated_data / "lenses")
    (installed,) = before
    lens_id = installed.removesuffix(".toml")
    other = json.loads(TRACKING.read_text())
    other["description"] = "Another team's lens that happens to have the same name."
    second = tmp_path / "second.json"
    second.write_text(json.dumps(other))

    code, _, err = run(capsys, "lens", "import", str(second))
    assert code == 1
    assert f"--id {lens_id}-2" in err, "a free id is suggested"
    assert "--force" in err and "replace" in err
    assert _tree(isolated_data / "lenses") == before, "the installed lens is untouched"

    code, out, _ = run(capsys, "lens", "import", str(second), "--id", f"{lens_id}-2")
    assert code == 0 and f"'{lens_id}-2'" in out
    assert len(_tree(isolated_data / "lenses")) == 2


def _lens_with_escapes(tmp_path: Path) -> Path:
    data = json.loads(TRACKING.read_text())
    data["name"] = f"Tracking {ESC_TITLE}lens"
    data["pillars"][0]["questions"][0]["title"] = f"Question {ESC_TITLE}one"
    path = tmp_path / "escapes.json"
    path.write_text(json.dumps(data))
    return path


def _workload_with_escapes(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "workload", "create", "Fraud")[0] == 0
    note = f"see {ESC_TITLE}runbook\x9b2J \u202eevil"
    code, _, err = run(capsys, "answer", "Fraud", "MLOE-01", "2", "--notes", note, "--by", "ana")
    assert code == 0, err
    assert run(capsys, "milestone", "create", "Fraud", "Q4")[0] == 0


@pytest.mark.parametrize(
    "argv",
    [
        ("lens", "validate", "{lens}"),
        ("lens", "show", "{lens}"),
        ("lens", "import", "{lens}", "--id", "escapes"),
        ("workload", "list"),
        ("history", "Fraud"),
        ("history", "Fraud", "MLOE-01"),
        ("report", "Fraud", "--format", "markdown"),
        ("report", "Fraud", "--format", "text"),
        ("score", "--workload", "Fraud"),
    ],
    ids=lambda argv: " ".join(a for a in argv if a != "{lens}"),
)
def test_human_output_shows_control_characters_instead_of_sending_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: tuple[str, ...]
) -> None:
    lens = _lens_with_escapes(tmp_path)
    _workload_with_escapes(capsys)
    code, out, err = run(capsys, *(str(lens) if a == "{lens}" else a for a in argv))
    assert code == 0, err
    for stream in (out, err):
        assert "\x1b" not in stream and "\x07" not in stream and "\x9b" not in stream
        assert "\u202e" not in stream
    shown = out + err
    if "lens" in argv:
        assert "\\x1b]0;owned\\x07" in shown
    elif argv[0] == "history" and argv[-1] == "MLOE-01":
        assert "\\x1b]0;owned\\x07" in shown and "\\u202e" in shown


def test_json_output_stays_exact(capsys: pytest.CaptureFixture[str]) -> None:
    _workload_with_escapes(capsys)
    code, out, _ = run(capsys, "history", "Fraud", "MLOE-01", "--json")
    assert code == 0
    assert ESC_TITLE in out or ESC_TITLE in json.loads(out).__repr__() or "\\u001b" in out
    assert "\x1b" not in out, "JSON escapes control characters itself"


def test_markdown_report_file_is_neutralised_too(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _workload_with_escapes(capsys)
    target = tmp_path / "review.md"
    code, _, err = run(capsys, "report", "Fraud", "--format", "markdown", "-o", str(target))
    assert code == 0, err
    text = target.read_text()
    assert "\x1b" not in text and "\x9b" not in text
