"""Every field of a snapshot is type-checked, whatever else is wrong or right with the file:
a wrong type is refused by validate and import alike, naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from bad_inputs import assert_snapshot_refused, database, write

LENS = '[lens]\nid = "aws-ml-lens"\n'
WORKLOAD = '[workload]\nname = "Fraud scoring"\n'
TOP = 'format = "mllens.snapshot"\nformat_version = 1\n'


def doc(top: str = "", lens: str = "", workload: str = "", answer: str = "") -> str:
    text = TOP + top + "\n" + LENS + lens + "\n" + WORKLOAD + workload
    return text + "\n[answers.MLOE-01]\n" + (answer or "level = 2\n")


HUGE = "9" * 5000  # more digits than Python turns into an int

CASES = {
    # [lens]
    "lens version int": (doc(lens="version = 5\n"), "lens.version"),
    "lens content_hash array": (doc(lens="content_hash = []\n"), "lens.content_hash"),
    "lens id int": (TOP + "[lens]\nid = 7\n" + WORKLOAD, "lens.id"),
    "lens id table": (TOP + "[lens]\nid = {a = 1}\n" + WORKLOAD, "lens.id"),
    "lens not a table": (TOP + 'lens = "aws-ml-lens"\n' + WORKLOAD, "lens"),
    # [workload]
    "environment int": (doc(workload="environment = 7\n"), "workload.environment"),
    "description bool": (doc(workload="description = true\n"), "workload.description"),
    "name float": (TOP + LENS + "[workload]\nname = 1.5\n", "workload.name"),
    "default_target string": (doc(workload='default_target = "3"\n'), "workload.default_target"),
    "default_target huge": (doc(workload=f"default_target = {2**70}\n"), "workload.default_target"),
    "default_target bool": (doc(workload="default_target = true\n"), "workload.default_target"),
    "pillar_weights array": (doc(workload="pillar_weights = [1]\n"), "workload.pillar_weights"),
    "weight string": (
        doc(workload='pillar_weights = {security = "2"}\n'),
        "workload.pillar_weights.security",
    ),
    # top level
    "format_version string": (
        'format = "mllens.snapshot"\nformat_version = "1"\n' + LENS + WORKLOAD,
        "format_version",
    ),
    "format_version huge": (
        f'format = "mllens.snapshot"\nformat_version = {2**63 - 1}\n' + LENS + WORKLOAD,
        "format_version",
    ),
    "format int": ("format = 1\n" + LENS + WORKLOAD, "format"),
    "exported_at string": (doc(top='exported_at = "yesterday"\n'), "exported_at"),
    "generator array": (doc(top="generator = [1, 2]\n"), "generator"),
    "unknown key": (doc(top="colour = 1\n"), "colour"),
    "answers array": (TOP + LENS + WORKLOAD + "answers = [1]\n", "answers"),
    "more digits than Python reads": (doc(workload=f"default_target = {HUGE}\n"), "not valid TOML"),
    # one answer
    "level string": (doc(answer='level = "2"\n'), "answers.MLOE-01.level"),
    "level float": (doc(answer="level = 2.0\n"), "answers.MLOE-01.level"),
    "level out of range": (doc(answer="level = 5\n"), "answers.MLOE-01.level"),
    "level negative": (doc(answer="level = -1\n"), "answers.MLOE-01.level"),
    "level huge": (doc(answer=f"level = {2**63 - 1}\n"), "answers.MLOE-01.level"),
    "target huge": (doc(answer=f"target = {-(2**63)}\n"), "answers.MLOE-01.target"),
    "choices on a level question": (doc(answer='choices = ["a"]\n'), "answers.MLOE-01.choices"),
    "not_applicable string": (doc(answer='not_applicable = "yes"\n'), "not_applicable"),
    "reason array": (
        doc(answer='not_applicable = true\nreason = ["other"]\n'),
        "answers.MLOE-01.reason",
    ),
    "reason table": (doc(answer="not_applicable = true\nreason = {a = 1}\n"), "reason"),
    "confidence int": (doc(answer="level = 1\nconfidence = 1\n"), "answers.MLOE-01.confidence"),
    "confidence table": (doc(answer="level = 1\nconfidence = {}\n"), "confidence"),
    "notes int": (doc(answer="level = 1\nnotes = 1\n"), "answers.MLOE-01.notes"),
    "evidence date": (doc(answer="level = 1\nevidence = 2026-01-01\n"), "answers.MLOE-01.evidence"),
    "answered_by array": (doc(answer="level = 1\nanswered_by = []\n"), "answered_by"),
    "answered_at time": (doc(answer="level = 1\nanswered_at = 10:00:00\n"), "answered_at"),
    "answer not a table": (TOP + LENS + WORKLOAD + '[answers]\nMLOE-01 = "2"\n', "MLOE-01"),
    "unknown question": (TOP + LENS + WORKLOAD + "[answers.NOPE-99]\nlevel = 1\n", "NOPE-99"),
    "N/A and level": (
        doc(answer='level = 1\nnot_applicable = true\nreason = "other"\n'),
        "MLOE-01",
    ),
}


@pytest.mark.parametrize(("text", "where"), CASES.values(), ids=CASES.keys())
def test_wrong_types_are_refused_with_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_data: Path, text: str, where: str
) -> None:
    db = database(capsys, isolated_data)
    assert_snapshot_refused(capsys, db, write(tmp_path, text), where)


def test_every_wrong_field_is_reported_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_data: Path
) -> None:
    """The type checks run even when other problems were found first."""
    db = database(capsys, isolated_data)
    text = doc(
        lens="version = 5\ncontent_hash = []\n",
        workload="environment = 7\n",
        answer='level = "x"\n',
    )
    source = write(tmp_path, text)
    for where in ("lens.version", "lens.content_hash", "workload.environment", "MLOE-01.level"):
        assert_snapshot_refused(capsys, db, source, where)
