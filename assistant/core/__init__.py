"""The headless core: tree model, loading, conditions, the consultation machine, rendering.

Nothing under this package imports Textual; a test enforces it.
"""
