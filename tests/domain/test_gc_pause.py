"""The collector pause used around bulk imports restores the collector's state."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from domain.gc_pause import gc_paused
from domain.imports import parse_import_bytes


@pytest.fixture(autouse=True)
def restore_collector() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_pause_disables_then_enables() -> None:
    gc.enable()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_pause_enables_at_outermost_end() -> None:
    gc.enable()
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_pause_keeps_disabled_collector_disabled() -> None:
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()


def test_pause_enables_after_exception() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_overlapping_pauses_from_threads() -> None:
    gc.enable()
    first_in = threading.Event()
    first_may_leave = threading.Event()
    states: list[bool] = []

    def first() -> None:
        with gc_paused():
            first_in.set()
            first_may_leave.wait(5)

    worker = threading.Thread(target=first)
    worker.start()
    assert first_in.wait(5)
    with gc_paused():
        first_may_leave.set()
        worker.join(5)
        states.append(gc.isenabled())
    assert states == [False]
    assert gc.isenabled()


def test_parse_restores_collector_after_error() -> None:
    gc.enable()
    with pytest.raises(Exception, match="empty"):
        parse_import_bytes(b"", "empty.csv")
    assert gc.isenabled()
