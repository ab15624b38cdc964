"""Textual's Footer, rebuilt only when the keys it shows change (Textualize/textual#6666).

Why: Textual's Footer recomposes all its keys on every focus change and every
`refresh_bindings`, mounting a FooterKey per binding (and data-binding each one, which
leaves a watcher behind on the footer that is never pruned). In a consultation that is
every answer, and it was half the key-to-paint latency and a steady memory leak. This
footer compares what it would show (keys, labels, enabled state, tooltips) with what it
shows now and keeps its widgets when nothing changed. It looks exactly like Textual's.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    """The bindings of the focused widget and its ancestors; recomposed only on change."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: Hashable = None

    def _signature(self) -> Hashable:
        """Everything that decides what the footer shows, as one comparable value."""
        app = self.app
        return (
            self.compact,
            self.show_command_palette,
            tuple(
                (binding.key, binding.action, binding.description, binding.key_display,
                 binding.show, binding.group, enabled, tooltip)
                for _node, binding, enabled, tooltip in self.screen.active_bindings.values()
                if binding.show or binding.key == app.COMMAND_PALETTE_BINDING
            ),
        )

    def compose(self) -> ComposeResult:
        self._shown = self._signature() if self._bindings_ready else None
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget._reactive_connect:
                # The footer's style set on the key instead of data-bound to it: the same
                # look, and no watcher left on the footer once the key is gone.
                widget._reactive_connect = None
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    async def recompose(self) -> None:
        """Textual's, skipped while the footer would show just what it shows."""
        if self._bindings_ready and self.is_attached and self._shown is not None and \
                self._signature() == self._shown:
            return
        await super().recompose()
