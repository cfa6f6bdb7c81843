"""sampling._keys: the integer hashing every draw depends on (platform-independent)."""

from __future__ import annotations

import numpy as np
import pytest

from sampling._keys import check_seed, key_hashes, mix64, ranking_numbers, to_unit


def test_mix64_is_the_splitmix64_reference():
    # splitmix64 seeded with 0 outputs 0xe220a8397b1dcdaf, then 0x6e789e6aa1b965f4
    # (Vigna's splitmix64.c: the state advances by 0x9E3779B97F4A7C15 before mixing)
    state = np.array([0, 0x9E3779B97F4A7C15], dtype=np.uint64)
    assert [hex(int(v)) for v in mix64(state)] == ["0xe220a8397b1dcdaf", "0x6e789e6aa1b965f4"]


def test_key_hashes_are_pinned():
    hashes = key_hashes(["a", "unit001", "张三", "0123456789abcdef"])
    assert [hex(int(h)) for h in hashes] == [
        "0x5e025f9ade9eaf3e",
        "0xa0e781ce84f803ed",
        "0x90d85e24f605502e",
        "0x3449a2b4e7ea18d2",
    ]


@pytest.mark.parametrize(
    "frame",
    [
        ["340123199001011234", "34012319900101123X"],  # same length, not a multiple of 8
        ["a" * 64, "b" * 64],  # the fast path of hex digests
        ["340123199001011234", "abc", "张三", "x" * 70, "ab\x00"],  # mixed
    ],
)
def test_a_key_hash_depends_on_that_key_alone(frame):
    together = key_hashes(frame)
    alone = [key_hashes([key])[0] for key in frame]
    assert together.tolist() == [int(h) for h in alone]
    assert len(set(together.tolist())) == len(frame)


def test_ranking_numbers_are_uniform_and_seeded():
    hashes = key_hashes([f"k{i}" for i in range(20000)])
    u = to_unit(ranking_numbers(hashes, 1))
    assert 0.0 <= u.min() and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 0.01
    assert np.corrcoef(u, to_unit(ranking_numbers(hashes, 2)))[0, 1] == pytest.approx(0, abs=0.03)


def test_check_seed_accepts_numpy_ints():
    assert check_seed(np.int64(5)) == 5
