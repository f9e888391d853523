"""A calibration on a Dask cluster gives the posterior of a serial run (same seed)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from districtlab.calibration import calibrate, load_targets

TARGETS = Path(__file__).parent / "data" / "small-targets.csv"


@pytest.mark.slow
def test_dask_cluster_gives_the_serial_posterior(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    targets = load_targets(TARGETS)
    common = {"particles": 10, "populations": 2, "replications": 1, "seed": 9}
    serial = calibrate("castellon-ceramics", targets, out=tmp_path / "serial", **common)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        clustered = calibrate("castellon-ceramics", targets, out=tmp_path / "dask", client=client, **common)
    pd.testing.assert_frame_equal(serial.to_frame(), clustered.to_frame(), check_exact=True)
