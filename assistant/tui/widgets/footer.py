"""Textual's Footer, rebuilt only when the keys it shows change (Textualize/textual#6666).

Why: Textual's Footer remounts a FooterKey per binding on every focus change and
`refresh_bindings` (each data-bound, leaving a watcher on the footer never pruned). Here that
is every answer: half the key-to-paint latency and a steady memory leak. This footer keeps
its widgets when what it would show is unchanged. It looks exactly like Textual's.
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
        """Everything that decides what the footer shows."""
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
                # Set, not data-bound: no watcher left on the footer once the key is gone.
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
