"""Fixed-seed trajectories that catch silent drift in the model.

Run ``python -m tests.regression.trajectories`` to rewrite the stored files after an
intended change of the model, and say in the commit message why they changed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import districtlab
from tests.conftest import small

DATA = Path(__file__).parent / "data"
SEED = 20261127
CASES = {
    preset: {"preset": preset, "firms": 400, "months": 72.0, "programme": programme}
    for preset, programme in (
        ("castellon-ceramics", "place-based"),
        ("vinalopo-footwear", "generic"),
        ("toy-valley", "place-based"),
    )
}


def trajectory(case: dict[str, Any]) -> dict[str, Any]:
    scenario = small(case["preset"], firms=case["firms"], months=case["months"], programme=case["programme"])
    result = districtlab.simulate(scenario, rng=SEED)
    o = result.observations
    return {
        "case": case,
        "seed": SEED,
        "adopted_by_technology": o.adopted.sum(axis=(2, 3)).tolist(),
        "knowledgeable_by_technology": o.at_least[:, 2].tolist(),
        "maturity_histogram": o.maturity_histogram.tolist(),
        "adoptions_by_channel": o.adoptions_by_channel[-1].sum(axis=2).tolist(),
        "programme_spend": [round(float(x), 6) for x in result.programme_spend()],
        "engaged": o.engaged[-1].tolist(),
    }


def main() -> None:
    DATA.mkdir(exist_ok=True)
    for name, case in CASES.items():
        (DATA / f"{name}.json").write_text(json.dumps(trajectory(case), indent=1) + "\n")
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
