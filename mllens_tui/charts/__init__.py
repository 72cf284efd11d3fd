"""Charts: scores -> figure specs -> plotext drawings or plain text.

One set of functions serves the TUI and the command line, so a report shows what the screen
showed. Each chart has three parts, each in its own module, so that a caller imports only what
it draws with:

- ``specs``: a builder (``pillar_bars``, ``history_chart``...) that turns scores into a small
  frozen spec of plain data, in display units (percent, 0-100); pure;
- ``draw``: ``draw_*(plt, spec, ...)`` draws a spec onto any plotext-like object, and
  ``render_*(spec, width, height)`` returns the drawing as text (plotext imported lazily);
- ``text``: plain-text layouts that need no plotext (``heatmap_text``, ``moved_questions_text``).

``charts.X`` finds X in any of the three, imported on first use.
"""

from __future__ import annotations

from typing import Any

_MODULES = ("specs", "text", "draw")


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        # Not yet imported: let the import system load the submodule.
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from mllens_tui.charts import draw, specs, text

    for module in (specs, text, draw):
        if hasattr(module, name):
            return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
