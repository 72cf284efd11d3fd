"""Helpers for the tests/test_bad_*.py tables: run the CLI as a user does and check that a
bad file is refused with a located message, no traceback, and the database untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from mllens_tui.cli import main

HEADER = """\
format = "mllens.snapshot"
format_version = 1

[lens]
id = "aws-ml-lens"

"""

VALID = (
    HEADER
    + """\
[workload]
name = "Fraud scoring"

[answers.MLOE-01]
level = 2
answered_at = 2026-11-28T10:00:00Z
"""
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def write(tmp_path: Path, content: str | bytes, name: str = "bad.toml") -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def database(capsys: pytest.CaptureFixture[str], data_dir: Path) -> Path:
    """The test's database, with one workload in it, so there is something to damage."""
    code, _, err = run(capsys, "workload", "create", "existing", "--weight", "security=2")
    assert code == 0, err
    db = data_dir / "mllens.db"
    assert db.is_file()
    return db


def assert_refused(code: int, err: str, source: str, where: str) -> None:
    """Exit 1, the file and the key (or line) named, and no traceback."""
    assert code == 1, err
    assert "Traceback" not in err
    assert source in err
    assert where in err, err


def assert_snapshot_refused(
    capsys: pytest.CaptureFixture[str], db: Path, source: str, where: str
) -> None:
    """``snapshot validate`` and ``import`` both refuse ``source`` naming ``where``, and the
    import leaves the database byte for byte as it was."""
    code, _, err = run(capsys, "snapshot", "validate", source)
    assert_refused(code, err, source, where)
    before = digest(db)
    code, _, err = run(capsys, "import", source, "--workload", "fresh")
    assert_refused(code, err, source, where)
    assert digest(db) == before
    code, _, err = run(capsys, "import", source, "--workload", "fresh", "--as-milestone")
    assert_refused(code, err, source, where)
    assert digest(db) == before


def json_lens(
    choices: int = 2, rules: list[str] | None = None, pillars: int = 1, choice_id: str = "c"
) -> dict[str, object]:
    """A small AWS custom lens document: ``pillars`` pillars of one question each."""
    question = {
        "id": "q1",
        "title": "Q1",
        "choices": [{"id": f"{choice_id}{i}", "title": f"C{i}"} for i in range(choices)],
        "riskRules": [{"condition": condition, "risk": "HIGH_RISK"} for condition in (rules or [])]
        + [{"condition": "default", "risk": "NO_RISK"}],
    }
    return {
        "schemaVersion": "2021-11-01",
        "name": "Small lens",
        "description": "",
        "pillars": [
            {"id": f"p{i}", "name": f"P{i}", "questions": [{**question, "id": f"q{i}"}]}
            for i in range(pillars)
        ],
    }


def toml_lens(
    choices: int = 2, rules: list[str] | None = None, pillars: int = 1, choice_id: str = "c"
) -> str:
    """The same lens in the TOML form the loader reads."""
    import tomli_w

    rule_tables = [{"condition": c, "risk": "HIGH"} for c in (rules or [])]
    rule_tables.append({"condition": "default", "risk": "NONE"})
    return tomli_w.dumps(
        {
            "id": "small",
            "name": "Small lens",
            "version": "1",
            "pillars": [{"id": f"p{i}", "name": f"P{i}"} for i in range(pillars)],
            "questions": [
                {
                    "id": f"q{i}",
                    "title": "Q",
                    "pillar": f"p{i}",
                    "prompt": "?",
                    "choices": [
                        {"id": f"{choice_id}{k}", "title": f"C{k}"} for k in range(choices)
                    ],
                    "risk_rules": rule_tables,
                }
                for i in range(pillars)
            ],
        }
    )
