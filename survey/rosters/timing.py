"""Seconds spent in each phase of the import running now, for the log (the benchmark prints them).

Imports run one at a time in a process, so one set of laps is enough; a second import started in
another thread of the same process would only mix up these log figures, nothing else.
"""

import threading
import time
from collections.abc import Callable

_phases: dict[str, float] = {}
_last = time.perf_counter()


def start() -> None:
    global _last
    _phases.clear()
    _last = time.perf_counter()


def lap(phase: str) -> None:
    """Add the seconds since the last lap to ``phase``."""
    global _last
    now = time.perf_counter()
    _phases[phase] = _phases.get(phase, 0.0) + now - _last
    _last = now


def phases() -> dict[str, float]:
    return dict(_phases)


def in_background(name: str, work: Callable[[], None], record: dict) -> threading.Thread:
    """Run ``work`` (which handles its own errors) in a thread of its own, as an import does what
    can wait until after its commit; ``record`` then holds the thread and, once it ends, its
    seconds (the benchmark waits for it and prints them). A process waits for the thread before
    it exits."""
    def run() -> None:
        started = time.perf_counter()
        work()
        record["seconds"] = time.perf_counter() - started

    thread = threading.Thread(target=run, name=name)
    record.clear()
    record["thread"] = thread
    thread.start()
    return thread
