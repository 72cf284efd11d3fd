"""Charts of a workload: pillar and phase scores against target, weakest first."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Header

from mllens_tui.app.screens.base import AppScreen
from mllens_tui.app.widgets.charts import PhaseBarsPlot, PillarBarsPlot


class ChartsScreen(AppScreen):
    """The pillar and phase bar charts (the same ones `mllens report` prints)."""

    TITLE = "Charts"
    BINDINGS = [
        Binding(
            "x", "explain", "Explain", id="charts.explain", tooltip="How the score is computed"
        ),
        Binding("escape", "back", "Back", id="charts.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="charts"):
            yield PillarBarsPlot(id="pillar-chart")
            yield PhaseBarsPlot(id="phase-chart")
        yield self.footer()

    def on_mount(self) -> None:
        self.refresh_view()

    def on_screen_resume(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        from mllens_tui.charts.specs import phase_bars, pillar_bars

        workload = self.workload
        scores = self.mllens.scores()
        if workload is None or scores is None:
            return
        if not self.state_changed():
            return
        self.sub_title = workload.name
        self.query_one(PillarBarsPlot).show(pillar_bars(workload.lens, scores))
        phases = self.query_one(PhaseBarsPlot)
        phases.display = bool(workload.lens.phases)
        if workload.lens.phases:
            phases.show(phase_bars(workload.lens, scores))

    async def action_back(self) -> None:
        await self.app.switch_mode("dashboard")
