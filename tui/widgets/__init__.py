"""Widgets of the main screen, one module per pane."""

from tui.widgets.errors import ErrorPane
from tui.widgets.portfolio import PortfolioPane
from tui.widgets.queue import QueuePane
from tui.widgets.targets import TargetPane

__all__ = ["ErrorPane", "PortfolioPane", "QueuePane", "TargetPane"]
