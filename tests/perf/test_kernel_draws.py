"""Exp(1) draws made inside a kernel are numpy's (the adoption decision's fresh thresholds).

``kernels.decide_due_adoptions`` draws the new thresholds of postponed decisions with
``standard_exponential`` from a :class:`~districtlab.model.kernels.RandomStream`; numpy's
ziggurat has a rare slow path (the tail), so many draws are compared, interleaved with
uniforms, and the Generator must go on from where the kernel left it.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest

from districtlab.model.kernels import RandomStream, random_stream


@numba.njit(cache=False)
def _exponentials_then_uniforms(stream: RandomStream, n: int) -> tuple:
    return stream.rng.standard_exponential(n), stream.rng.random(3)


@pytest.mark.parametrize("seed", range(40))
def test_exponential_draws_in_a_kernel_are_numpys(seed: int) -> None:
    in_kernel, in_numpy = np.random.default_rng(seed), np.random.default_rng(seed)
    for n in (0, 1, 5, 200, 3000):
        exponentials, uniforms = _exponentials_then_uniforms(random_stream(in_kernel), n)
        np.testing.assert_array_equal(exponentials, in_numpy.standard_exponential(n))
        np.testing.assert_array_equal(uniforms, in_numpy.random(3))
    np.testing.assert_array_equal(in_kernel.random(4), in_numpy.random(4))
