"""The compiled kernels (:mod:`districtlab.model.kernels`) change nothing but speed.

* With ``NUMBA_DISABLE_JIT=1`` the kernels run as the plain Python they are
  written in; a short run must give every observation bit-identical to the
  compiled run (the loops are the readable statement of each rule).
* Where numba finds no writable cache location (a read-only install without a
  writable home) the kernels are compiled in memory instead of failing; the run
  is again bit-identical.

Both run in a fresh interpreter: numba reads its configuration at import.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import numba
import numpy as np
import pytest

from districtlab.model import Observations, run_model
from districtlab.model.kernels import RandomStream, permuted, random_stream
from districtlab.presets import load_scenario

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parents[1] / "src"

#: Short runs that reach every kernel: the place-based programme on Toy Valley (living lab,
#: projects, grants; over 36 months also the demonstrators' visits, diagnostic routing and
#: projects that end) and the generic programme on Castellón (complete-graph-free supply chains).
CASES = (
    ("toy-valley", "place-based", 9.0, 5),
    ("castellon-ceramics", "generic", 6.0, 6),
    ("toy-valley", "place-based", 36.0, 5),
)


def digest(observations: Observations) -> str:
    """A hash of every array and field of one run's observations."""
    hashed = hashlib.sha256()
    for field in fields(observations):
        value = getattr(observations, field.name)
        hashed.update(field.name.encode())
        if isinstance(value, np.ndarray):
            hashed.update(str(value.dtype).encode())
            hashed.update(np.ascontiguousarray(value).tobytes())
        else:
            hashed.update(repr(value).encode())
    return hashed.hexdigest()


def digests_here() -> list[str]:
    return [
        digest(
            run_model(
                load_scenario(preset).with_programme(programme).with_months(months),
                np.random.SeedSequence(seed),
            )
        )
        for preset, programme, months, seed in CASES
    ]


def cache_kind() -> str:
    """How the kernels keep compiled code: "FunctionCache" on disk, "NullCache" in memory, "python" (no JIT)."""
    from districtlab.model import kernels

    cache = getattr(kernels.due_pairs, "_cache", None)
    return "python" if cache is None else type(cache).__name__


def digests_in_fresh_process(environment: dict[str, str]) -> list[str]:
    """[cache kind, digest of each case] from a fresh interpreter run with ``environment``."""
    command = [
        sys.executable,
        "-c",
        f"import sys; sys.path[:0] = [{str(HERE)!r}]; import test_kernels as t; print(t.cache_kind(), *t.digests_here())",
    ]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SOURCE), str(HERE)]), **environment)
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.split()


def test_the_kernels_read_as_python_give_the_same_runs() -> None:
    assert digests_in_fresh_process({"NUMBA_DISABLE_JIT": "1"}) == ["python", *digests_here()]


@pytest.mark.slow
def test_without_a_cache_location_the_kernels_compile_in_memory() -> None:
    environment = {"NUMBA_CACHE_LOCATOR_CLASSES": "nowhere_cache.NowhereLocator", "NUMBA_DISABLE_JIT": "0"}
    assert digests_in_fresh_process(environment) == ["NullCache", *digests_here()]


def test_every_kernel_s_cache_is_stamped_with_every_module_of_the_kernels() -> None:
    """An edit to any module of the kernels recompiles every kernel (a kernel compiles the kernels it calls into itself)."""
    from districtlab.model import kernels
    from districtlab.model.kernels import _jit

    paths = sorted(Path(kernels.__file__).parent.glob("*.py"))
    assert [name for name, _, _ in _jit._PACKAGE_STAMP] == [path.name for path in paths]
    dispatchers = {
        id(value): value
        for path in paths
        for value in vars(importlib.import_module(f"districtlab.model.kernels.{path.stem}")).values()
        if type(getattr(value, "_cache", None)).__name__ == "FunctionCache"
        and value.py_func.__module__.startswith("districtlab.model.kernels.")
    }
    assert len(dispatchers) == sum(
        len(re.findall(r"^ *@njit\(cache=True", path.read_text(), re.MULTILINE)) for path in paths
    )
    assert {kernel._cache._cache_file._source_stamp for kernel in dispatchers.values()} == {
        _jit._PACKAGE_STAMP
    }


def test_each_handle_s_structref_type_is_found_by_its_name_in_its_module() -> None:
    """numba's cache finds a handle's type again by module and name in a later process (``register_handle``)."""
    from districtlab.model import kernels

    handles = (
        kernels.RandomStream,
        kernels.DeliveryArrays,
        kernels.HazardArrays,
        kernels.TallyArrays,
        kernels.AdoptionArrays,
        kernels.RowArrays,
    )
    for handle in handles:
        module = sys.modules[handle.__module__]
        type_class = getattr(module, f"_{handle.__name__}Type")
        assert type_class.__module__ == handle.__module__
        assert getattr(module, type_class.__qualname__) is type_class


@numba.njit(cache=False)
def _draws_in_a_kernel(stream: RandomStream, tier: np.ndarray, n: int, k: int) -> tuple:
    return (
        stream.rng.permutation(tier),
        stream.rng.random(n),
        stream.rng.integers(0, k, size=n),
        stream.rng.random(),
    )


@pytest.mark.parametrize("n", [0, 1, 7, 40])
def test_a_kernel_draws_what_numpy_would_and_moves_the_stream_on_alike(n: int) -> None:
    """A kernel's draws from a RandomStream are numpy's draws, and the Generator goes on from where they left it."""
    in_kernel, in_numpy = np.random.default_rng(20261130), np.random.default_rng(20261130)
    tier = np.array([3, 9, 12, 40, 41, 77, 100, 5, 6], dtype=np.int64)
    order, uniforms, integers, one = _draws_in_a_kernel(random_stream(in_kernel), tier, n, 4)
    np.testing.assert_array_equal(order, in_numpy.permutation(tier))
    np.testing.assert_array_equal(uniforms, in_numpy.random(n))
    np.testing.assert_array_equal(integers, in_numpy.integers(0, 4, size=n))
    assert one == in_numpy.random()
    np.testing.assert_array_equal(in_kernel.random(5), in_numpy.random(5))


@pytest.mark.parametrize("n", [0, 1, 2, 9, 500])
def test_the_kernels_permutation_is_numpy_s(n: int) -> None:
    """kernels.permuted draws numpy's permutation of a 1-D array and moves the stream on alike."""
    in_kernel, in_numpy = np.random.default_rng(7), np.random.default_rng(7)
    values = np.arange(3, 3 + n, dtype=np.int64)
    np.testing.assert_array_equal(permuted(random_stream(in_kernel), values), in_numpy.permutation(values))
    np.testing.assert_array_equal(in_kernel.random(5), in_numpy.random(5))


def _pay_from_all_in_numpy(accounts: np.ndarray, first: int, amount: float) -> float:
    """The numpy statement of ``ProgrammeRun.pay_from_all`` that kernels.pay_from_accounts replaces."""
    paid = min(amount, max(accounts[first], 0.0))
    accounts[first] -= paid
    rest = amount - paid
    if rest > 0.0:
        others = np.maximum(accounts, 0.0)
        others[first] = 0.0
        available = float(others.sum())
        if available > 0.0:
            taken = min(rest, available)
            accounts -= others * (taken / available)
            paid += taken
    return float(paid)


def test_paying_from_the_accounts_is_the_numpy_rule_to_the_last_bit() -> None:
    """The accounts' kernels sum in order, as numpy does for fewer than 8 numbers (there is one account per instrument)."""
    from districtlab.config import INSTRUMENTS
    from districtlab.model.kernels import available_in_accounts, pay_from_accounts

    assert len(INSTRUMENTS) < 8
    rng = np.random.default_rng(11)
    for _ in range(2000):
        accounts = rng.random(len(INSTRUMENTS)) * 10.0 ** rng.integers(-2, 7, len(INSTRUMENTS))
        accounts[rng.random(accounts.size) < 0.3] = 0.0
        accounts[rng.random(accounts.size) < 0.1] *= -1.0
        first, amount = int(rng.integers(accounts.size)), float(rng.random() * 10.0 ** rng.integers(-1, 8))
        expected = accounts.copy()
        assert available_in_accounts(accounts) == float(np.maximum(accounts, 0.0).sum())
        assert pay_from_accounts(accounts, first, amount) == _pay_from_all_in_numpy(expected, first, amount)
        np.testing.assert_array_equal(accounts, expected)


def _units_to_buy_in_python(balance: float, price: float, staff_days: float, staff_days_left: float) -> int:
    """The purchase rule as Python wrote it before ``deliver_month``: a check, then ``_units_to_buy``."""
    if balance < price or (staff_days > 0.0 and staff_days_left < staff_days):
        return 0
    wanted = int(np.float64(balance) // price)
    if staff_days <= 0.0:
        return wanted
    return max(0, min(wanted, int(staff_days_left // staff_days)))


def test_the_units_a_programme_can_buy_are_the_python_rule() -> None:
    """``units_affordable`` floors balance / price and staff days left / staff days as Python does."""
    from districtlab.model.kernels import units_affordable

    rng = np.random.default_rng(12)
    for _ in range(3000):
        price = float(rng.random() * 10.0 ** rng.integers(0, 6))
        balance = float(price * rng.integers(0, 40) + rng.choice([0.0, -1e-9, 1e-9, rng.random() * price]))
        staff_days = float(rng.choice([0.0, 0.5, 1.0, 2.0 / 3.0, rng.random() * 5.0]))
        left = float(rng.choice([0.0, staff_days * rng.integers(0, 30), rng.random() * 100.0]))
        accounts = np.array([0.0, balance])
        assert units_affordable(accounts, 1, price, staff_days, left) == _units_to_buy_in_python(
            balance, price, staff_days, left
        )
