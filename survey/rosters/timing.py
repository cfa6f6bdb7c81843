"""Seconds spent in each phase of the import running now, for the log (the benchmark prints them).

Imports run one at a time in a process, so one set of laps is enough; a second import started in
another thread of the same process would only mix up these log figures, nothing else.
"""

import time

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
