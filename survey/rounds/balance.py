"""Share groups of cases among surveyors by workload under the cross-area rule; no database here.

The least-loaded surveyor (ties: the lower id) takes the next group, repeatedly. Of the groups
that surveyor may take, the one whose towns leave the fewest surveyors eligible goes first (so the
hard-to-place cases go to those who can take them while they still have room), then the larger
group, then the group with the lower first case id. A surveyor who may take none of the remaining
groups drops out. Groups that no surveyor may take are returned apart. For cases of equal size
this keeps the final workloads within one case of each other whenever the rule allows it.
"""

import heapq
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class Worker:
    id: int
    home_town: int | None
    #: Open cases already held (in every open round).
    load: int = 0


@dataclass(frozen=True)
class Group:
    #: Case ids worked together (one case, or the field visits of one village).
    cases: tuple[int, ...]
    towns: frozenset[int]

    @property
    def size(self) -> int:
        return len(self.cases)


def may_take(worker: Worker, towns: frozenset[int]) -> bool:
    return worker.home_town is None or worker.home_town not in towns


def balance(groups: list[Group], workers: list[Worker]) -> tuple[dict[int, list[Group]],
                                                                 list[Group]]:
    """Return worker id -> groups given, and the groups no worker may take."""
    eligible = {towns: {w.id for w in workers if may_take(w, towns)}
                for towns in {g.towns for g in groups}}
    stranded = [g for g in groups if not eligible[g.towns]]
    queues: dict[frozenset[int], deque[Group]] = {}
    for group in sorted(groups, key=lambda g: (-g.size, g.cases[0])):
        if eligible[group.towns]:
            queues.setdefault(group.towns, deque()).append(group)
    given: dict[int, list[Group]] = {w.id: [] for w in workers}
    heap = [(w.load, w.id) for w in workers]
    heapq.heapify(heap)
    while heap and any(queues.values()):
        load, worker = heapq.heappop(heap)
        options = [t for t, q in queues.items() if q and worker in eligible[t]]
        if not options:
            continue
        towns = min(options, key=lambda t: (len(eligible[t]), -queues[t][0].size,
                                            queues[t][0].cases[0]))
        group = queues[towns].popleft()
        given[worker].append(group)
        heapq.heappush(heap, (load + group.size, worker))
    loads = {w.id: w.load + sum(g.size for g in given[w.id]) for w in workers}
    while _pass_along(given, loads, eligible):
        pass
    return given, stranded


def _pass_along(given: dict[int, list[Group]], loads: dict[int, int],
                eligible: dict[frozenset[int], set[int]]) -> bool:
    """Move one single case along a chain from a top-loaded surveyor; False if none exists."""
    top = max(loads.values(), default=0)
    for start in sorted(w for w, load in loads.items() if load == top):
        parent: dict[int, tuple[int, Group]] = {}
        frontier, seen = deque([start]), {start}
        while frontier:
            holder, tried = frontier.popleft(), set()
            for group in given[holder]:
                if len(group.cases) != 1 or group.towns in tried:
                    continue
                tried.add(group.towns)
                for taker in sorted(eligible[group.towns] - seen):
                    seen.add(taker)
                    parent[taker] = (holder, group)
                    if loads[taker] <= top - 2:
                        _shift(given, loads, parent, taker)
                        return True
                    frontier.append(taker)
    return False


def _shift(given, loads, parent, end: int) -> None:
    taker = end
    while taker in parent:
        holder, group = parent[taker]
        given[holder].remove(group)
        given[taker].append(group)
        taker = holder
    loads[end] += 1
    loads[taker] -= 1
