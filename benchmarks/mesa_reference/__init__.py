"""districtlab's rules written as a Mesa 3.3 model, the reference for the speed comparison (issue 6).

Needs the optional extra ``bench`` (``pip install -e ".[bench]"``). See
:mod:`benchmarks.mesa_reference.model` for the rules in and out.
"""

from benchmarks.mesa_reference.model import DistrictModel, ReferenceRun, run_reference

__all__ = ["DistrictModel", "ReferenceRun", "run_reference"]
