"""What every screen of the app shares: typed access to the app and its open workload."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from mllens_tui.app.app import MLLensApp, OpenWorkload


class AppScreen(Screen[None]):
    _shown_for: tuple[object, ...] | None = None

    def state_changed(self, *view: object) -> bool:
        """True the first time it is asked after the workload, its answers or ``view`` (the
        screen's own filters) changed: the screen redraws only then."""
        key = (id(self.workload), self.mllens.answer_version, *view)
        if key == self._shown_for:
            return False
        self._shown_for = key
        return True

    def answers_changed(self) -> None:
        """The app changed an answer behind the screen's back (a save failed and was undone):
        show the answers as they are now."""
        refresh_view = getattr(self, "refresh_view", None)
        if callable(refresh_view):
            refresh_view()

    @property
    def mllens(self) -> MLLensApp:
        return cast("MLLensApp", self.app)

    @property
    def workload(self) -> OpenWorkload | None:
        return self.mllens.current
