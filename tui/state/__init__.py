"""Pure state of the TUI's panes, reduced from domain events without Textual."""

from tui.state.errors import ErrorGroup, ErrorLog
from tui.state.jobs import Job, JobState, QueueState
from tui.state.providers import ProviderBoard, ProviderStatus, estimate_remaining
from tui.state.targets import TargetTableState

__all__ = [
    "ErrorGroup",
    "ErrorLog",
    "Job",
    "JobState",
    "ProviderBoard",
    "ProviderStatus",
    "QueueState",
    "TargetTableState",
    "estimate_remaining",
]
