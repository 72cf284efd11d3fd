"""Storage: workloads, answers, their history and milestones, in SQLite through SQLModel.

Between the shell (``app/``, ``cli/``) and the pure core. Importing this package is cheap:
``Store`` and the records are loaded on first use, so ``mllens --help`` never imports
SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mllens_tui.store.records import (
        AnswerChangeRecord,
        HistoryPoint,
        MilestoneRecord,
        WorkloadRecord,
    )
    from mllens_tui.store.service import Store

__all__ = ["AnswerChangeRecord", "HistoryPoint", "MilestoneRecord", "Store", "WorkloadRecord"]


def __getattr__(name: str) -> Any:
    if name == "Store":
        from mllens_tui.store.service import Store

        return Store
    if name in __all__:
        from mllens_tui.store import records

        return getattr(records, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
