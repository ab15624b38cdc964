"""Keys reach the app's widgets one at a time, in the order they were typed.

Why: Textual queues a key on the focused widget and sends the next at once; the widget, its
parents, then the app (bindings) handle it later, each in its own task. A key typed while
the one before is on that way goes to the widget focused before: it could answer the old
question again, be lost in a list no longer shown, or land in a field then cleared. So a key
waits until the one before has been handled all the way up: a marker follows it through the
same first-in-first-out queues, and when it reaches the app the next key goes out. An answer
focuses the next question while its key is handled (question_box: calls, not messages). The
wait is well under a millisecond; typed-ahead keys are answered in order, none lost.
"""

from __future__ import annotations

import time
from collections import deque
from typing import TypeVar

from textual import events
from textual.app import App
from textual.dom import DOMNode
from textual.timer import Timer

ReturnType = TypeVar("ReturnType")
OVERDUE = 1.0  # seconds: a marker lost with a closing widget must not hold keys for good


class OrderedKeysApp(App[ReturnType]):
    """An App whose keys (and pastes) are handled strictly one after another."""

    def __init__(self) -> None:
        super().__init__()
        self._keys_waiting: deque[events.Key | events.Paste] = deque()
        self._key_out: int | None = None  # the number of the key on its way, if any
        self._key_count = 0
        self._key_sent_at = 0.0
        self._watchdog: Timer | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            self._keys_waiting.append(event)
            if self._key_out is None or self._overdue_now():
                await self._send_next()
            elif self._watchdog is None:
                self._watchdog = self.set_timer(OVERDUE, self._overdue)
            return
        await super().on_event(event)

    async def _send_next(self) -> None:
        """The oldest waiting key to the focused widget (or a priority binding), a marker after."""
        if not self._keys_waiting:
            self._key_out = None
            return
        event = self._keys_waiting.popleft()
        self._key_count += 1
        number = self._key_out = self._key_count
        self._key_sent_at = time.monotonic()
        target: DOMNode = self.focused or self.screen
        await super().on_event(event)
        if not target.call_later(self._follow, target, number):
            await self._follow(self, number)

    async def _follow(self, node: DOMNode, number: int) -> None:
        """`node` has handled what it held before the marker: on to its parent, which the
        key (if it went up) reached first; at the app, the key is done: send the next."""
        if self._key_out != number:
            return  # overdue, and the keys after it sent on meanwhile
        parent = node.parent
        if parent is None:
            await self._send_next()
        elif not parent.call_later(self._follow, parent, number):
            self.call_later(self._follow, self, number)  # the parent is closing

    def _overdue_now(self) -> bool:
        return self._key_out is not None and \
            time.monotonic() - self._key_sent_at > OVERDUE

    async def _overdue(self) -> None:
        """The marker was lost with a widget that closed (its key went nowhere anyway)."""
        self._watchdog = None
        if self._overdue_now():
            await self._send_next()
        if self._keys_waiting and self._key_out is not None:
            self._watchdog = self.set_timer(OVERDUE, self._overdue)
