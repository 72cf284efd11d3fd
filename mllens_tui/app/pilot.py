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


async def settle_frame(pilot: Any, rounds: int = 40) -> None:
    """Settle, then wait until two frames in a row are the same (for screenshots).

    Some drawing happens only when a widget is idle (a table measures its columns then), and
    on a busy machine that can come after the workers are done; a picture taken in between
    shows half-measured columns. Comparing whole frames catches every such case.
    """
    await settle(pilot)
    before = pilot.app.export_screenshot()
    for _ in range(rounds):
        await pilot.pause(0.05)
        await settle(pilot)
        now = pilot.app.export_screenshot()
        if now == before:
            return
        before = now
