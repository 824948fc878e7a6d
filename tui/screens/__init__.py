"""Modal screens: import, help, confirmation and portfolio choice."""

from tui.screens.confirm import ConfirmScreen
from tui.screens.help import HelpScreen
from tui.screens.import_file import ImportScreen
from tui.screens.picker import PortfolioPicker

__all__ = ["ConfirmScreen", "HelpScreen", "ImportScreen", "PortfolioPicker"]
