"""Random streams in kernels: :class:`RandomStream`, a handle on one of a run's numpy Generators.

For every kernel that draws (the knowledge transfer's and adoptions' channels, the adoption
decision, the instruments): a draw through the handle is the draw numpy would have made from the
same Generator, and moves it on in the same way (``tests/perf/test_kernel_draws.py``).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
from numba.core import types
from numba.experimental import structref

from districtlab.model.kernels._jit import njit

# -- random streams in kernels ------------------------------------------------------------------
#
# Passing a numpy Generator to a kernel costs about 6 us per call (numba unboxes its bit generator
# through ctypes each time); a RandomStream is unboxed once, when it is made for a run, and then
# crosses into kernels like any other argument (about 0.4 us more than an integer). It is a numba structref, not a
# jitclass, because numba can cache kernels that take a structref but recompiles, in every process,
# those that take a jitclass.

if numba.config.DISABLE_JIT:  # type: ignore[attr-defined]

    class RandomStream:
        """A run's random stream as kernels take it; ``rng`` is the numpy Generator itself."""

        def __init__(self, rng: np.random.Generator) -> None:
            self.rng = rng

    def random_stream(rng: np.random.Generator) -> RandomStream:
        """A :class:`RandomStream` drawing from ``rng`` (its draws move ``rng`` on)."""
        return RandomStream(rng)

    _RANDOM_STREAM: Any = None  # the numba type of a field that holds a stream (none without numba)

else:

    @structref.register
    class _RandomStreamType(types.StructRef):
        def preprocess_fields(self, fields: Any) -> tuple[tuple[str, Any], ...]:
            return tuple((name, types.unliteral(field_type)) for name, field_type in fields)

    class RandomStream(structref.StructRefProxy):  # type: ignore[no-redef]
        """A run's random stream as kernels take it: a handle on one numpy Generator, shared with it."""

    structref.define_boxing(_RandomStreamType, RandomStream)
    _RANDOM_STREAM = _RandomStreamType([("rng", numba.typeof(np.random.default_rng(0)))])

    @njit(cache=True)
    def random_stream(rng: np.random.Generator) -> RandomStream:
        """A :class:`RandomStream` drawing from ``rng`` (its draws move ``rng`` on)."""
        stream: RandomStream = structref.new(_RANDOM_STREAM)  # type: ignore[call-arg]
        stream.rng = rng
        return stream
