"""Widgets, one module each, with their .tcss beside them."""
