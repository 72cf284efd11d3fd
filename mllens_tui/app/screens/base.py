"""What every screen of the app shares: typed access to the app and its open workload."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from mllens_tui.app.app import MLLensApp, OpenWorkload


class AppScreen(Screen[None]):
    @property
    def mllens(self) -> MLLensApp:
        return cast("MLLensApp", self.app)

    @property
    def workload(self) -> OpenWorkload | None:
        return self.mllens.current
