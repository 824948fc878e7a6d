"""Choosing the portfolio the main screen shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from storage.portfolios import PortfolioInfo


class PortfolioPicker(ModalScreen[str | None]):
    """Lists portfolios; Enter chooses one, Escape keeps the current one."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, portfolios: Sequence[PortfolioInfo], current: str | None
    ) -> None:
        super().__init__()
        self.portfolios = portfolios
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            options = [
                Option(
                    Content(
                        f"{info.name}: {info.targets} targets, "
                        f"{info.positions} positions"
                    ),
                    id=info.name,
                )
                for info in self.portfolios
            ]
            yield OptionList(*options, id="picker-list")
            yield Static("Enter switches to the portfolio. Escape cancels.")

    def on_mount(self) -> None:
        self.query_one("#picker-box").border_title = "Switch portfolio"
        options = self.query_one("#picker-list", OptionList)
        if self.current is not None and any(
            p.name == self.current for p in self.portfolios
        ):
            options.highlighted = options.get_option_index(self.current)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Close without switching."""
        self.dismiss(None)
