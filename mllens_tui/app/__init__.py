"""The Textual shell. ``make_app`` is the one way to build the app, for the CLI and the tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mllens_tui.app.app import MLLensApp
    from mllens_tui.lens.model import Lens


def make_app(
    db_url: str | None = None,
    lens: Lens | None = None,
    workload: str | None = None,
    question: str | None = None,
    present: bool = False,
) -> MLLensApp:
    """Build the app; nothing touches the database until the app is running. With
    ``present``, the workload opens in presentation mode."""
    from mllens_tui.app.app import MLLensApp

    return MLLensApp(
        db_url=db_url, lens=lens, workload=workload, question=question, present=present
    )
