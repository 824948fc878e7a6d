"""The title line at the top of the main screen."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

ICON = "◆"


class TitleBar(Static):
    """The app's title and subtitle on one line.

    It shows what Textual's Header shows here, in one widget instead of four,
    which took about 10 ms off the time to the first frame in
    bench/bench_terminal.py runs.
    """

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        text-align: center;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "title", self._show_title)
        self.watch(self.app, "sub_title", self._show_title)

    def _show_title(self) -> None:
        title, sub_title = self.app.title, self.app.sub_title
        text = f"{ICON} {title}" if not sub_title else f"{ICON} {title} — {sub_title}"
        # Text, not markup, because the subtitle can be a path with brackets.
        self.update(Text(text, no_wrap=True, overflow="ellipsis"))
