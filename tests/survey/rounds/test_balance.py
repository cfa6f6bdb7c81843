"""The balancing rule on plain data: workloads even, the cross-area rule never bent."""

from hypothesis import given, settings
from hypothesis import strategies as st

from survey.rounds.balance import Group, Worker, balance, may_take


def _cases(towns: list[int]) -> list[Group]:
    return [Group((i,), frozenset({t})) for i, t in enumerate(towns, start=1)]


def test_constrained_towns_still_give_even_workloads():
    # 城关 (1) 40%, 金桥 (2) 40%, 白沙 (3) 20%; two surveyors live in 城关
    groups = _cases([1] * 40 + [2] * 40 + [3] * 20)
    workers = [Worker(1, 1), Worker(2, 2), Worker(3, 3), Worker(4, 1)]
    given, stranded = balance(groups, workers)
    loads = {w: sum(g.size for g in gs) for w, gs in given.items()}
    assert not stranded and sorted(loads.values()) == [25, 25, 25, 25]
    home = {w.id: w.home_town for w in workers}
    assert all(home[w] not in g.towns for w, gs in given.items() for g in gs)


def test_existing_workloads_count_and_a_town_without_eligible_surveyor_is_left_out():
    groups = _cases([1] * 10 + [2] * 6)
    workers = [Worker(1, 2, load=8), Worker(2, 2, load=0)]
    given, stranded = balance(groups, workers)
    assert [g.cases[0] for g in stranded] == list(range(11, 17))  # town 2: nobody may go
    assert {w: len(gs) for w, gs in given.items()} == {1: 1, 2: 9}


def test_village_groups_stay_whole():
    groups = [Group((1, 2, 3), frozenset({1})), Group((4, 5), frozenset({1})),
              Group((6,), frozenset({2}))]
    given, _ = balance(groups, [Worker(1, None), Worker(2, None)])
    assert sorted(sorted(c for g in gs for c in g.cases) for gs in given.values()) == [
        [1, 2, 3], [4, 5, 6]]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=60),
       st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=1, max_size=6),
       st.lists(st.integers(0, 5), min_size=6, max_size=6))
def test_the_rule_holds_and_no_single_case_could_lower_the_top_load(towns, homes, loads):
    groups = _cases(towns)
    workers = [Worker(i, h, loads[i]) for i, h in enumerate(homes)]
    given, stranded = balance(groups, workers)
    placed = [g for gs in given.values() for g in gs]
    assert sorted(g.cases for g in placed + stranded) == sorted(g.cases for g in groups)
    final = {w.id: w.load + len(given[w.id]) for w in workers}
    for w in workers:
        assert all(may_take(w, g.towns) for g in given[w.id])
    assert all(not any(may_take(w, g.towns) for w in workers) for g in stranded)
    top = max(final.values())
    for w in workers:  # nobody at the top holds a case that someone two below could take
        if final[w.id] == top and given[w.id]:
            for g in given[w.id]:
                assert all(final[o.id] >= top - 1 for o in workers if may_take(o, g.towns))
