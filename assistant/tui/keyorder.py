"""Keys reach the app's widgets one at a time, in the order they were typed.

Why: Textual hands a key to the focused widget's queue and goes on to the next key at
once; the widget, then each of its parents, then the app (which runs the bindings) handle
it later, each in its own task. A key typed while the one before is still on that way goes
to the widget that was focused before: after an answer, the next key could answer the
old question again, or be lost in a list no longer shown, or digits land in a field that
is then cleared. So a key waits until the one before it has been handled all the way up:
a marker follows it through the same queues (each queue is first in, first out), and
when the marker reaches the app the next key goes out. An answer applies itself and
focuses the next question while its key is handled (question_box: calls, not messages),
so the next key finds the next question. A person never notices the wait (well under a
millisecond); a burst of typed-ahead keys is answered in order, none lost.
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
        """Hand the oldest waiting key to the focused widget (or a priority binding), and
        a marker after it."""
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
        """`node` has handled what it held when the marker came: on to its parent, which
        the key (if it went on up) reached before the marker; at the app (the root), the
        key has been handled: send the next."""
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
        """Keys wait and the key on its way is overdue: its marker was lost with a widget
        that closed (the key then went nowhere anyway)."""
        self._watchdog = None
        if self._overdue_now():
            await self._send_next()
        if self._keys_waiting and self._key_out is not None:
            self._watchdog = self.set_timer(OVERDUE, self._overdue)
