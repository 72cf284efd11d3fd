"""What every screen of the app shares: typed access to the app and its open workload."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import events, on
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

if TYPE_CHECKING:
    from mllens_tui.app.app import MLLensApp, OpenWorkload


class AppScreen(Screen[None]):
    # Inherited by every screen: q quits at once only from the workload list (which binds it
    # to quit); anywhere deeper a stray q, meant as "back", asks first.
    BINDINGS = [
        Binding(
            "q", "confirm_quit", "Quit", id="screen.quit", show=False, tooltip="Quit (asks first)"
        ),
    ]
    _shown_for: tuple[object, ...] | None = None

    def _footer_wide(self) -> bool:
        # Below 100 columns the footer drops its spacing and the palette key (help lists
        # ctrl+p), so the keys that matter are not cut.
        return self.app.size.width >= 100

    @on(events.Resize)
    @on(events.ScreenResume)
    def _fit_footer(self) -> None:
        wide = self._footer_wide()
        for footer in self.query(Footer):
            footer.compact = not wide
            footer.show_command_palette = wide

    def footer(self) -> Footer:
        """The footer as ``_fit_footer`` sets it for the terminal's width now: composed so,
        the first frame needs no restyle and no second layout."""
        wide = self._footer_wide()
        return Footer(compact=not wide, show_command_palette=wide)

    def action_search(self) -> None:
        if self.workload is None:
            self.notify("Open a workload first: search finds its questions.")
            return
        self.mllens.open_search()

    def action_explain(self) -> None:
        """How the overall score is computed; screens about one group explain that group."""
        if self.workload is None:
            return
        self.mllens.open_explain()

    def action_confirm_quit(self) -> None:
        from mllens_tui.app.screens.dialogs import Confirm

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.exit()

        self.app.push_screen(
            Confirm(
                "Quit mllens?", "Every answer is saved already. esc goes back instead.", "Quit"
            ),
            answered,
        )

    def state_changed(self, *view: object) -> bool:
        """True the first time it is asked after the workload, its answers or ``view`` (the
        screen's own filters) changed: the screen redraws only then."""
        key = (id(self.workload), self.mllens.answer_version, *view)
        if key == self._shown_for:
            return False
        self._shown_for = key
        return True

    def before_resume(self) -> None:
        """The screen is about to be shown again: bring what it shows up to date now, for
        Textual draws it as it switches to it, before it handles its ScreenResume."""
        refresh_view = getattr(self, "refresh_view", None)
        if callable(refresh_view):
            refresh_view()

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
