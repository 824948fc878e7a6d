"""A bare Textual app with one label: the start-up and output baseline."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Label


class BareApp(App[None]):
    """Shows one label until q is pressed."""

    BINDINGS = [("q", "quit", "Quit")]  # noqa: RUF012

    def compose(self) -> ComposeResult:
        yield Label("bare textual app")


if __name__ == "__main__":
    BareApp().run()
