"""Deeply nested TOML and JSON is refused with the file named, not a RecursionError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bad_inputs import HEADER, VALID, assert_refused, assert_snapshot_refused, database, run, write

DEPTH = 5000


def deep_array(depth: int = DEPTH) -> str:
    return "[" * depth + "]" * depth


def deep_inline_table(depth: int = DEPTH) -> str:
    return "{a = " * depth + "1" + "}" * depth


SNAPSHOTS = {
    "array in the workload": HEADER + f"[workload]\nname = 'W'\nnotes = {deep_array()}\n",
    "inline table in an answer": VALID + f"\n[answers.MLSEC-01]\nnotes = {deep_inline_table()}\n",
    "top-level array": f"x = {deep_array()}\n" + VALID,
    # Nested, but not so deep that the reader gives up: the validator names the key.
    "array as the workload name": HEADER + f"[workload]\nname = {deep_array(200)}\n",
}


@pytest.mark.parametrize("text", SNAPSHOTS.values(), ids=SNAPSHOTS.keys())
def test_snapshot_nested_too_deeply_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_data: Path, text: str
) -> None:
    db = database(capsys, isolated_data)
    source = write(tmp_path, text)
    where = "workload.name" if "name = [" in text else "nested too deeply"
    assert_snapshot_refused(capsys, db, source, where)


LENS_HEADER = """\
id = "deep"
name = "Deep"
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
"""

TOML_LENSES = {
    "array in the header": LENS_HEADER + f"extra = {deep_array()}\n",
    "inline table as a question": LENS_HEADER + f"questions = [{deep_inline_table()}]\n",
}


@pytest.mark.parametrize("text", TOML_LENSES.values(), ids=TOML_LENSES.keys())
@pytest.mark.parametrize("command", ["validate", "import"])
def test_toml_lens_nested_too_deeply_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, command: str
) -> None:
    source = write(tmp_path, text, "deep.toml")
    code, _, err = run(capsys, "lens", command, source)
    assert_refused(code, err, source, "nested too deeply")


JSON_LENSES = {
    "array as the lens": deep_array(),
    "object as a pillar": json.dumps({"schemaVersion": "2021-11-01", "name": "Deep"})[:-1]
    + ', "pillars": ['
    + '{"a": ' * DEPTH
    + "1"
    + "}" * DEPTH
    + "]}",
}


@pytest.mark.parametrize("text", JSON_LENSES.values(), ids=JSON_LENSES.keys())
@pytest.mark.parametrize("command", ["validate", "import"])
def test_json_lens_nested_too_deeply_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, command: str
) -> None:
    source = write(tmp_path, text, "deep.json")
    code, _, err = run(capsys, "lens", command, source)
    assert_refused(code, err, source, "nested too deeply")
