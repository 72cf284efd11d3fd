"""The app's screens: one module per top-level area, plus dialogs and help."""
