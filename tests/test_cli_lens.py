"""`mllens lens ...`: validate, show, list, import, with meaningful exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mllens_tui import __version__
from mllens_tui.cli import main
from mllens_tui.paths import builtin_lens_dir


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_version_and_help_list_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert __version__ in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("open", "lens"):
        assert command in out


def test_validate_builtin_lens(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lens", "validate")
    assert code == 0
    assert "105 questions" in out and "sha256:" in out


def test_validate_broken_lens_exits_1_with_located_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "broken"
    shutil.copytree(builtin_lens_dir(), folder)
    rel = folder / "03-reliability.toml"
    rel.write_text(rel.read_text().replace("weight = 3", "weight = -3", 1))
    perf = folder / "04-performance-efficiency.toml"
    perf.write_text(perf.read_text().replace('phase = "monitoring"', 'phase = "monitorin"', 1))
    code, out, err = run(capsys, "lens", "validate", str(folder))
    assert code == 1
    assert "2 problems" in err
    assert "03-reliability.toml: questions.MLREL-01.weight" in err
    assert "unknown phase 'monitorin'" in err
    assert out == ""


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["lens", "validate", "a", "b"])
    assert info.value.code == 2


def test_show_json_is_in_lens_order(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lens", "show", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["id"] == "aws-ml-lens"
    assert set(data) == {
        "id",
        "name",
        "version",
        "content_hash",
        "pillars",
        "phases",
        "levels",
        "questions",
        "edition",
    }
    assert data["edition"] == "2023"
    assert data["questions"][0]["id"] == "MLOE-01"
    assert data["questions"][-1]["id"] == "MLSUS-16"
    assert len(data["questions"][0]["levels"]) == 5
    assert data["levels"][2] == {"level": 2, "name": "Repeatable", "value": 0.5, "risk": "MEDIUM"}


def test_show_table_counts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lens", "show")
    assert code == 0
    reliability = next(line for line in out.splitlines() if line.startswith("Reliability"))
    assert reliability.split()[1:] == ["0", "2", "3", "4", "2", "2", "13"]
    total = next(line for line in out.splitlines() if line.startswith("Total"))
    assert total.split()[1:] == ["8", "15", "18", "34", "13", "17", "105"]


# Each import test runs on our own fixture lens and, where ../shared/lenses/ is beside the
# checkout (CI), on the real lens it stands in for; without that folder the latter is skipped.
FIXTURE = "fixture_lenses"
SHARED = "shared_lenses"


@pytest.mark.parametrize(
    ("folder", "name", "questions"),
    [
        pytest.param(FIXTURE, "experiment-tracking-lens.json", 6, id="fixture"),
        pytest.param(SHARED, "Passport-Custom-Lens.json", 11, id="shared"),
    ],
)
def test_import_user_lens_then_use_it_by_id(
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
    folder: str,
    name: str,
    questions: int,
) -> None:
    source = str(request.getfixturevalue(folder) / name)
    code, out, _ = run(capsys, "lens", "import", source)
    assert code == 0, out
    code, out, _ = run(capsys, "lens", "list")
    assert code == 0
    lens_id = out.splitlines()[1].split()[0]
    code, out, _ = run(capsys, "lens", "show", lens_id, "--json")
    assert code == 0
    assert len(json.loads(out)["questions"]) == questions
    # a second import of the same lens refuses without --force
    code, _, err = run(capsys, "lens", "import", source)
    assert code == 1 and "--force" in err


def test_import_prints_each_warning_and_installs_the_lens(
    capsys: pytest.CaptureFixture[str], fixture_lenses: Path, isolated_data: Path
) -> None:
    source = fixture_lenses / "model-registry-lens.json"
    code, out, err = run(capsys, "lens", "import", str(source))
    assert code == 0, err
    warnings = [line for line in out.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 6
    assert (
        f"warning: {source}: pillars[1].questions[0].riskRules: no 'default' rule" in warnings[-1]
    )
    assert f"{source}: pillars[0].questions[1].title: expected a non-empty string, got NaN" in out
    assert "Imported Model Registry Lens as lens 'model-registry-lens' (3 questions)" in out
    installed = isolated_data / "lenses" / "model-registry-lens.toml"
    assert installed.is_file()
    code, out, _ = run(capsys, "lens", "show", "model-registry-lens", "--json")
    assert code == 0
    assert [q["id"] for q in json.loads(out)["questions"]] == [
        "mr_ops_q1",
        "mr_ops_q2",
        "mr_rel_q1",
    ]


def test_import_of_a_broken_lens_exits_1_naming_the_key_and_installs_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fixture_lenses: Path, isolated_data: Path
) -> None:
    document = json.loads((fixture_lenses / "feature-store-lens.json").read_text(encoding="utf-8"))
    document["pillars"][1]["questions"][0]["riskRules"][0]["condition"] = "FSSEC1_1 && FSSEC1_9"
    source = tmp_path / "broken.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    code, out, err = run(capsys, "lens", "import", str(source))
    assert code == 1
    assert f"{source}: pillars[1].questions[0].riskRules[0].condition" in err
    assert "unknown choice 'FSSEC1_9'" in err
    assert "Traceback" not in err and "Imported" not in out
    assert not (isolated_data / "lenses").exists()


def test_unknown_lens_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "lens", "show", "no-such-lens")
    assert code == 1
    assert "no such lens file, folder or installed lens id" in err


@pytest.mark.parametrize(
    ("folder", "name", "question"),
    [
        pytest.param(FIXTURE, "feature-store-lens.json", "FSOPS1", id="fixture"),
        pytest.param(SHARED, "custom-lens-sagemaker-flower-v1.0.json", "PERF1", id="shared"),
    ],
)
def test_import_under_a_chosen_id_and_assess_against_it(
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
    folder: str,
    name: str,
    question: str,
) -> None:
    source = str(request.getfixturevalue(folder) / name)
    code, out, _ = run(capsys, "lens", "import", source, "--id", "flower")
    assert code == 0 and "as lens 'flower'" in out
    code, out, _ = run(capsys, "--lens", "flower", "workload", "create", "Flower FL")
    assert code == 0
    code, out, err = run(capsys, "answer", "Flower FL", question, "--choices", "nope")
    assert code == 1 and "nope" in err
    code, _, err = run(capsys, "lens", "import", source, "--id", "bad id!")
    assert code == 2 and "--id" in err


TWO_EDITIONS = """\
id = "two-editions"
name = "Two editions"
version = "1"

[[pillars]]
id = "cost"
name = "Cost"

[[phases]]
id = "model"
name = "Model development"

[[phases]]
id = "monitor"
name = "Monitoring"

[[levels]]
level = 0
name = "No"
value = 0.0
risk = "PRACTICE"

[[levels]]
level = 1
name = "Yes"
value = 1.0
risk = "NONE"

[[questions]]
id = "MLCOST-22"
id_2025 = "MLCOST05-BP01"
title = "Select optimal algorithms"
pillar = "cost"
phase = "model"
prompt = "Do you choose algorithms for their cost too?"
levels = ["No.", "Yes."]

[[questions]]
id = "MLCOST-23"
id_2025 = "MLCOST06-BP04"
title = "Enable debugging and logging"
pillar = "cost"
phase = "model"
phase_2025 = "monitor"
scope = "organisation"
prompt = "Do you log and debug training runs?"
levels = ["No.", "Yes."]
evidence = ["Nothing to open.", "The log group."]

[[questions]]
id = "MLCOST-27"
id_2025 = "MLCOST06-BP01"
title = "Monitor usage and cost by ML activity"
pillar = "cost"
phase = "monitor"
prompt = "Do you track cost by activity?"
levels = ["No.", "Yes."]
"""


def cost_row(out: str) -> list[str]:
    return next(line for line in out.splitlines() if line.startswith("Cost ")).split()[1:]


def test_show_the_2025_edition_by_2025_ids_and_phases(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "two.toml"
    path.write_text(TWO_EDITIONS)
    code, out, _ = run(capsys, "lens", "show", str(path))
    assert code == 0 and "MLCOST06-BP04" not in out
    assert cost_row(out) == ["2", "1", "3"]
    code, out, _ = run(capsys, "lens", "show", str(path), "--edition", "2025")
    assert code == 0
    assert cost_row(out) == ["1", "2", "3"]  # MLCOST-23 moved to Monitoring
    listed = [line for line in out.splitlines() if line.startswith("MLCOST")]
    assert listed == [
        "MLCOST05-BP01  Select optimal algorithms (MLCOST-22, Model development)",
        "MLCOST06-BP01  Monitor usage and cost by ML activity (MLCOST-27, Monitoring)",
        "MLCOST06-BP04  Enable debugging and logging (MLCOST-23, Monitoring)",
    ]
    code, out, _ = run(capsys, "lens", "show", str(path), "--edition", "2025", "--json")
    data = json.loads(out)
    assert data["edition"] == "2025"
    moved = next(q for q in data["questions"] if q["id"] == "MLCOST-23")
    assert moved | {"levels": None} == {
        "id": "MLCOST-23",
        "title": "Enable debugging and logging",
        "pillar": "cost",
        "phase": "monitor",
        "weight": 1.0,
        "levels": None,
        "id_2025": "MLCOST06-BP04",
        "phase_2025": "monitor",
        "scope": "organisation",
        "evidence": ["Nothing to open.", "The log group."],
        "choices": [],
        "risk_rules": [],
    }
    with pytest.raises(SystemExit) as info:
        main(["lens", "show", "--edition", "2024"])
    assert info.value.code == 2 and "--edition" in capsys.readouterr().err


def test_show_json_of_the_builtin_lens_has_the_2025_fields(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "lens", "show", "--json")
    assert code == 0
    first = json.loads(out)["questions"][0]
    assert (first["id"], first["id_2025"], first["phase_2025"], first["scope"]) == (
        "MLOE-01",
        "MLOPS01-BP01",
        "business-goal",
        "organisation",
    )
    assert len(first["evidence"]) == 5
