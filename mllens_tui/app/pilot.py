"""Waiting for the app when a program drives it (tests, screenshots, benchmarks)."""

from __future__ import annotations

from typing import Any


async def settle(pilot: Any) -> None:
    """Let workers finish, queued answers commit and messages land (never a fixed sleep).

    The answer writer runs for the app's whole life, so it is waited on through its queue,
    not as a worker.
    """
    app = pilot.app
    for _ in range(3):
        await pilot.pause()
        pending = [w for w in app.workers if not w.is_finished and w.group != "writer"]
        if pending:
            await app.workers.wait_for_complete(pending)
        app.wait_for_writes()
        await pilot.pause()
