"""The importing process's summary of a first pass: who is listed twice."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from survey.rosters.outcome import FirstPass, Part


def _part(first_line: int, prefixes: list[int]) -> Part:
    count = len(prefixes)
    return Part(first_line, None, np.arange(first_line, first_line + count, dtype=np.uint32),
                np.zeros(count, np.uint8), np.array(prefixes, np.uint64), b"34010123" * count)


@given(st.lists(st.lists(st.integers(0, 6) | st.integers(0, 2**64 - 1), max_size=8),
                max_size=6), st.randoms())
def test_every_later_line_of_a_person_points_to_the_first(persons, rng):
    """Parts arrive in any order (from the worker processes); a person's first line in the
    file is the one kept, whichever part came first."""
    result, line, expected, first = FirstPass(), 2, {}, {}
    for prefixes in persons:
        result.parts.append(_part(line, prefixes))
        for offset, prefix in enumerate(prefixes):
            if prefix in first:
                expected[line + offset] = first[prefix]
            else:
                first[prefix] = line + offset
        line += len(prefixes)
    rng.shuffle(result.parts)
    result.find_duplicates()
    assert result.duplicates == expected
