"""Pillar and question weights are numbers above 0 and at most 1000 wherever they are taken
(snapshot, lens, ``workload create --weight``), so scores are always finite and every
``--json`` output is strict JSON (no NaN or Infinity)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bad_inputs import VALID, assert_refused, assert_snapshot_refused, database, run, write

from mllens_tui.inputs import MAX_WEIGHT

BAD_WEIGHTS = {
    "1e308": "1e308",
    "just above the limit": "1000.0001",
    "huge int": str(10**400),
    "inf": "inf",
    "-inf": "-inf",
    "nan": "nan",
    "zero": "0",
    "negative": "-1",
    "tiny negative": "-1e-308",
    "bool": "true",
    "string": '"2"',
}


@pytest.mark.parametrize("weight", BAD_WEIGHTS.values(), ids=BAD_WEIGHTS.keys())
def test_snapshot_weights_out_of_range_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_data: Path, weight: str
) -> None:
    db = database(capsys, isolated_data)
    text = VALID.replace(
        'name = "Fraud scoring"\n', f'name = "F"\npillar_weights = {{security = {weight}}}\n'
    )
    source = write(tmp_path, text)
    assert_snapshot_refused(capsys, db, source, "workload.pillar_weights.security")


@pytest.mark.parametrize("weight", ["1e308", "1000.5", "inf", "nan", "0", "-2", str(10**400)])
def test_cli_weights_out_of_range_are_refused(
    capsys: pytest.CaptureFixture[str], isolated_data: Path, weight: str
) -> None:
    db = database(capsys, isolated_data)
    before = db.read_bytes()
    code, _, err = run(capsys, "workload", "create", "new", "--weight", f"security={weight}")
    assert code == 1, err
    assert "Traceback" not in err
    assert "security" in err
    assert db.read_bytes() == before


LENS = """\
id = "heavy"
name = "Heavy"
version = "1"

[[pillars]]
id = "p"
name = "P"

[[levels]]
level = 0
name = "None"
value = 0.0
risk = "HIGH"

[[levels]]
level = 1
name = "All"
value = 1.0
risk = "NONE"

[[questions]]
id = "Q1"
title = "Q1"
pillar = "p"
prompt = "?"
levels = ["no", "yes"]
weight = {weight}
"""


@pytest.mark.parametrize("weight", BAD_WEIGHTS.values(), ids=BAD_WEIGHTS.keys())
def test_lens_question_weights_out_of_range_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], weight: str
) -> None:
    source = write(tmp_path, LENS.format(weight=weight), "heavy.toml")
    code, _, err = run(capsys, "lens", "validate", source)
    assert_refused(code, err, source, "questions.Q1.weight")


def strict_json(text: str) -> object:
    def refuse(constant: str) -> object:
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_largest_weights_give_finite_scores_and_strict_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mllens_tui.lens.registry import builtin_lens

    weights = "\n".join(f"{p.id} = {MAX_WEIGHT}" for p in builtin_lens().pillars)
    text = (
        VALID.replace(
            "[answers.MLOE-01]", f"[workload.pillar_weights]\n{weights}\n\n[answers.MLOE-01]"
        )
        + "\n[answers.MLSEC-01]\nlevel = 4\n"
    )
    source = write(tmp_path, text, "heavy.toml")
    code, out, err = run(capsys, "score", source, "--json")
    assert code == 0, err
    scores = strict_json(out)
    assert isinstance(scores, dict)
    code, out, err = run(capsys, "compare", source, source, "--json")
    assert code == 0, err
    strict_json(out)
    code, out, err = run(capsys, "import", source)
    assert code == 0, err
    code, out, err = run(capsys, "report", "Fraud scoring", "--format", "json")
    assert code == 0, err
    strict_json(out)
    code, out, err = run(capsys, "score", source)
    assert code == 0, err
    assert "nan%" not in out.lower()
    assert "inf%" not in out.lower()


def test_largest_question_weight_gives_strict_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path, LENS.format(weight=MAX_WEIGHT), "heavy.toml")
    code, out, err = run(capsys, "lens", "show", source, "--json")
    assert code == 0, err
    strict_json(out)
