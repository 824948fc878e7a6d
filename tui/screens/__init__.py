"""Modal screens: import, help, confirmation and portfolio choice.

The import dialog is in tui.screens.import_file, imported where it opens,
because it loads the CSV reader and the symbol checks.
"""

from tui.screens.confirm import ConfirmScreen
from tui.screens.help import HelpScreen
from tui.screens.picker import PortfolioPicker

__all__ = ["ConfirmScreen", "HelpScreen", "PortfolioPicker"]
