"""Random streams in kernels: :class:`RandomStream`, a handle on one of a run's numpy Generators.

For every kernel that draws (the knowledge transfer's and adoptions' channels, the adoption
decision, the instruments): a draw through the handle is the draw numpy would have made from the
same Generator, and moves it on in the same way (``tests/perf/test_kernel_draws.py``).
"""

from __future__ import annotations

import numba
import numpy as np
from numba.experimental import structref

from districtlab.model.kernels._handles import Handle, register_handle
from districtlab.model.kernels._jit import njit

# -- random streams in kernels ------------------------------------------------------------------
#
# Passing a numpy Generator to a kernel costs about 6 us per call (numba unboxes its bit generator
# through ctypes each time); a RandomStream is unboxed once, when it is made for a run, and then
# crosses into kernels like any other argument (about 0.4 us more than an integer). It is a numba structref, not a
# jitclass, because numba can cache kernels that take a structref but recompiles, in every process,
# those that take a jitclass.


class RandomStream(Handle):
    """A run's random stream as kernels take it: a handle on one numpy Generator (``rng``), shared with it."""

    rng: np.random.Generator


_RandomStreamType, _RANDOM_STREAM = register_handle(
    RandomStream, (("rng", numba.typeof(np.random.default_rng(0))),)
)

if numba.config.DISABLE_JIT:  # type: ignore[attr-defined]

    def random_stream(rng: np.random.Generator) -> RandomStream:
        """A :class:`RandomStream` drawing from ``rng`` (its draws move ``rng`` on)."""
        return RandomStream(rng)

else:

    @njit(cache=True)
    def random_stream(rng: np.random.Generator) -> RandomStream:
        """A :class:`RandomStream` drawing from ``rng`` (its draws move ``rng`` on)."""
        stream: RandomStream = structref.new(_RANDOM_STREAM)  # type: ignore[call-arg]
        stream.rng = rng
        return stream
