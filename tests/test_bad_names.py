"""Workload, milestone and environment names with control characters: ``snapshot validate``
and ``import`` refuse them alike, naming the key; the storage commands refuse them too."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomli_w
from bad_inputs import assert_snapshot_refused, database, run, write

from mllens_tui.inputs import name_problem

BAD_NAMES = {
    "newline": "Fraud\nscoring",
    "tab": "Fraud\tscoring",
    "NUL": "Fraud\x00",
    "escape sequence": "\x1b[31mFraud\x1b[0m",
    "bell": "Fraud\x07",
    "DEL": "Fraud\x7f",
    "C1 CSI": "Fraud\x9b31m",
    "C1 NEL": "Fraud\x85scoring",
    "bidi override": "Fraud\u202escoring",
    "line separator": "Fraud\u2028scoring",
    "leading space": " Fraud",
    "only spaces": "   ",
    "too long": "F" * 201,
}


def snapshot(name: str = "Fraud scoring", milestone: str = "", environment: str = "") -> str:
    workload: dict[str, object] = {"name": name}
    if environment:
        workload["environment"] = environment
    doc: dict[str, object] = {
        "format": "mllens.snapshot",
        "format_version": 1,
        "lens": {"id": "aws-ml-lens"},
        "workload": workload,
        "answers": {"MLOE-01": {"level": 2}},
    }
    if milestone:
        doc["milestone"] = {"name": milestone, "created_at": "2026-11-28T10:00:00Z"}
    # A string created_at would be refused on its own; write a real date-time instead.
    return tomli_w.dumps(doc).replace('"2026-11-28T10:00:00Z"', "2026-11-28T10:00:00Z")


FIELDS = {
    "workload.name": lambda bad: snapshot(name=bad),
    "milestone.name": lambda bad: snapshot(milestone=bad),
    "workload.environment": lambda bad: snapshot(environment=bad),
}


@pytest.mark.parametrize("bad", BAD_NAMES.values(), ids=BAD_NAMES.keys())
@pytest.mark.parametrize("key", FIELDS)
def test_validate_and_import_refuse_the_name_and_say_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_data: Path, key: str, bad: str
) -> None:
    if key == "workload.environment" and not bad.strip():
        bad = "prod\x1b"  # an empty environment is allowed: it means none
    db = database(capsys, isolated_data)
    source = write(tmp_path, FIELDS[key](bad))
    assert_snapshot_refused(capsys, db, source, key)


@pytest.mark.parametrize("bad", BAD_NAMES.values(), ids=BAD_NAMES.keys())
@pytest.mark.parametrize(
    "argv",
    [
        ("workload", "create", "{bad}"),
        ("workload", "create", "ok", "--environment", "{bad}"),
        ("workload", "rename", "existing", "{bad}"),
        ("milestone", "create", "existing", "{bad}"),
        ("import", "{file}", "--workload", "{bad}"),
    ],
    ids=["create", "environment", "rename", "milestone", "import --workload"],
)
def test_storage_commands_refuse_the_same_names(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    isolated_data: Path,
    argv: tuple[str, ...],
    bad: str,
) -> None:
    if "--environment" in argv and not bad.strip():
        bad = "prod\x1b"
    db = database(capsys, isolated_data)
    good = write(tmp_path, snapshot())
    before = Path(db).read_bytes()
    code, _, err = run(capsys, *(a.format(bad=bad, file=good) for a in argv))
    assert code == 1, err
    assert "Traceback" not in err
    assert "name" in err
    assert Path(db).read_bytes() == before


@pytest.mark.parametrize(
    "good", ["Fraud scoring", "Détection de fraude", "欺诈评分", "2026-Q4 review", "a" * 200]
)
def test_ordinary_names_pass_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], good: str
) -> None:
    assert name_problem(good, "workload") is None
    source = write(tmp_path, snapshot(name=good, milestone=good, environment=good))
    assert run(capsys, "snapshot", "validate", source)[0] == 0
    code, _, err = run(capsys, "import", source, "--as-milestone")
    assert code == 0, err
    code, out, _ = run(capsys, "milestone", "list", good)
    assert code == 0
    assert good in out


@pytest.mark.parametrize(
    "argv",
    [
        ("workload", "create", "a\udc85b"),
        ("workload", "create", "ok", "--description", "\udcff"),
        ("workload", "create", "ok", "--environment", "prod\udcc3"),
    ],
    ids=["name", "description", "environment"],
)
def test_arguments_that_are_not_utf8_are_refused(
    capsys: pytest.CaptureFixture[str], isolated_data: Path, argv: tuple[str, ...]
) -> None:
    """Bytes that are not UTF-8 reach Python as lone surrogates, which SQLite cannot store."""
    db = database(capsys, isolated_data)
    before = db.read_bytes()
    code, _, err = run(capsys, *argv)
    assert code == 2, err
    assert "not valid UTF-8" in err
    assert "Traceback" not in err
    assert db.read_bytes() == before


def test_a_name_with_a_lone_surrogate_is_refused_by_the_validator() -> None:
    assert name_problem("a\udc85b", "workload") == (
        "workload name 'a\\udc85b' is not valid UTF-8 at character 2"
    )
