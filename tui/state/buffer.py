"""The buffer between the engine's event callback and the drain timer."""

from __future__ import annotations

from collections import deque

from domain.events import Event


class EventBuffer:
    """Events in arrival order, taken out all at once by `drain`.

    The engine calls `append` on the app's asyncio loop, as often as events
    happen. A timer calls `drain` a few times a second, so the panes repaint
    once per drain however fast events arrive.
    """

    def __init__(self) -> None:
        self._events: deque[Event] = deque()
        self.received = 0
        """Events appended since the buffer was created."""

    def append(self, event: Event) -> None:
        """Add one event."""
        self._events.append(event)
        self.received += 1

    def drain(self) -> list[Event]:
        """Remove and return every buffered event, oldest first."""
        events = list(self._events)
        self._events.clear()
        return events

    def __len__(self) -> int:
        return len(self._events)
