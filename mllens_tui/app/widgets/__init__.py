"""Widgets of the app that screens share."""
