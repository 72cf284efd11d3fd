"""One-way imports: the core never pulls in Textual, SQLModel/SQLAlchemy or plotext."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = [
    "mllens_tui.lens.model",
    "mllens_tui.lens.loader",
    "mllens_tui.lens.rules",
    "mllens_tui.lens.registry",
    "mllens_tui.lens.aws_json",
    "mllens_tui.lens.writer",
    "mllens_tui.scoring",
    "mllens_tui.snapshot",
    "mllens_tui.charts",
    "mllens_tui.charts.specs",
    "mllens_tui.charts.text",
    "mllens_tui.charts.draw",
    "mllens_tui.report",
    "mllens_tui.policy",
    "mllens_tui.portfolio",
    "mllens_tui.workshop",
    "mllens_tui.paths",
    "mllens_tui.cli",
]
FORBIDDEN = ("textual", "sqlmodel", "sqlalchemy", "plotext", "textual_plotext")


def loaded_after(code: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {name.split(".")[0] for name in result.stdout.split()}


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_ui_database_or_chart_code(module: str) -> None:
    assert not loaded_after(f"import {module}") & set(FORBIDDEN)


def test_cli_help_stays_light() -> None:
    code = (
        "import contextlib, io\nfrom mllens_tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n        main(['--help'])\n    except SystemExit:\n        pass"
    )
    assert not loaded_after(code) & set(FORBIDDEN)
