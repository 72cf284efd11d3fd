"""The theme as a 16-colour terminal shows it (TEXTUAL_COLOR_SYSTEM=standard, or such a
terminal over SSH).

Each colour of a theme is shown as the nearest of the terminal's sixteen: the muted grey
of labels and hints becomes bright black, hard to read on black; white text on the cursor
row's cyan is faint; and the footer's keys turn bright red on dark grey. In 16 colours the
app uses the same theme with those three colours chosen to land on readable ones, and
carries the class ``-sixteen-colours`` for the few rules in mllens.tcss that need more.
"""

from __future__ import annotations

from dataclasses import replace

from textual.app import App

SIXTEEN_COLOURS = {
    "text-muted": "#b4b4b4",  # white (7), not bright black (8)
    "block-cursor-foreground": "#000000",  # black on the cyan cursor row
    "footer-key-foreground": "#ffff5f",  # bright yellow keys on the grey footer
}


def sixteen_colours(app: App[object]) -> bool:
    """True when the terminal shows 16 colours: TEXTUAL_COLOR_SYSTEM=standard, or a terminal
    detected as such (not under tests, whose captured output would pass for one)."""
    from textual import constants

    if constants.COLOR_SYSTEM in ("standard", "windows"):
        return True
    return not app.is_headless and app.console.color_system in ("standard", "windows")


def use_sixteen_colours(app: App[object]) -> None:
    """In a 16-colour terminal, switch a dark theme to its readable 16-colour variant."""
    if not sixteen_colours(app):
        return
    app.add_class("-sixteen-colours")
    theme = app.get_theme(app.theme)
    if theme is None or not theme.dark or theme.name.endswith("-16"):
        return
    variant = replace(
        theme, name=f"{theme.name}-16", variables={**theme.variables, **SIXTEEN_COLOURS}
    )
    app.register_theme(variant)
    app.theme = variant.name
