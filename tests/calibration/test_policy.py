"""The policy result under the posterior: its two kinds of uncertainty, the shipped samples, the demo section."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from districtlab.calibration import Posterior
from districtlab.calibration.demo import DEMO_DRAWS, demo_policy
from districtlab.calibration.policy import (
    PolicyUnderPosterior,
    policy_sentences,
    policy_under_posterior,
    probability_interval,
    sobol_indices,
    sobol_reading,
)
from districtlab.calibration.sample import (
    load_sample,
    read_header,
    sample_csv,
    scenario_digest,
    shipped_posterior,
    shipped_samples,
)
from districtlab.cli.main import app
from districtlab.errors import InputError
from districtlab.presets import districts
from districtlab.report.posterior_policy import posterior_policy_section

WINNING_WORDS = ("wins", "winner", "outperforms", "is better", "superior")


def _draws(differences: list[float], half_width: float) -> PolicyUnderPosterior:
    frame = pd.DataFrame(
        {
            "district": "d",
            "comparison": "place_based_minus_generic",
            "draw": range(len(differences)),
            "difference": differences,
            "noise_low": [d - half_width for d in differences],
            "noise_high": [d + half_width for d in differences],
        }
    )
    return PolicyUnderPosterior(frame, "firms_adopting", replications=5)


def test_probability_interval_is_jeffreys_and_narrows_with_draws() -> None:
    low, high = probability_interval(10, 20)
    assert low < 0.5 < high
    wide = high - low
    low, high = probability_interval(100, 200)
    assert high - low < wide / 2
    assert probability_interval(0, 10)[0] == 0.0
    assert probability_interval(10, 10)[1] == 1.0


def test_summary_separates_noise_from_parameter_spread() -> None:
    # draws far apart, little noise: the spread is parameters; P has its own interval
    spread = _draws([-6.0, -3.0, 2.0, 5.0, 8.0, 11.0], half_width=0.5).summary().iloc[0]
    assert spread.probability_positive == pytest.approx(4 / 6)
    assert spread.probability_low < 4 / 6 < spread.probability_high
    assert spread.parameter_share_of_variance > 0.95
    assert spread.draws_above_zero == pytest.approx(4 / 6)
    assert spread.draws_below_zero == pytest.approx(2 / 6)
    assert spread.noise_half_width == pytest.approx(0.5)
    # draws close together, much noise: nearly nothing is attributed to parameters
    noisy = _draws([0.1, 0.3, 0.25, 0.2, 0.05, 0.4], half_width=20.0).summary().iloc[0]
    assert noisy.parameter_share_of_variance == pytest.approx(0.0)
    assert noisy.draws_above_zero == noisy.draws_below_zero == 0.0
    sentence = policy_sentences(pd.DataFrame([noisy]))[0]
    assert "simulation noise" in sentence
    assert "parameter uncertainty" in sentence
    assert "more replications per draw are needed" in sentence
    for text in policy_sentences(pd.DataFrame([spread, noisy])):
        assert not any(word in text.lower() for word in WINNING_WORDS), text


def test_sobol_reading_says_when_n_is_too_small_to_rank() -> None:
    frame = pd.DataFrame(
        {
            "district": "d",
            "parameter": ["a", "b", "c"],
            "S1": [0.3, 0.2, 0.0],
            "S1_conf": [0.4, 0.4, 0.1],
            "ST": [0.5, 0.4, 0.01],
            "ST_conf": [0.3, 0.3, 0.05],
            "base_samples": 8,
            "replications": 2,
            "output_variance": 4.0,
            "noise_share": 0.4,
        }
    )
    text = sobol_reading(frame.assign(noise_share=0.2))
    assert "Total index interval above zero: a, b." in text
    assert "Noise dominates" in sobol_reading(frame.assign(noise_share=0.8))
    text = sobol_reading(frame)
    assert "too small to rank" in text
    assert "a, b" in text
    assert "40%" in text
    assert "add up to" not in text
    clear = frame.assign(ST=[0.8, 0.1, 0.0], ST_conf=[0.1, 0.05, 0.02])
    assert "a ranks first" in sobol_reading(clear)
    assert "add up to 1.50" in sobol_reading(frame.assign(S1=[0.9, 0.6, 0.0]))


def test_sobol_needs_a_power_of_two(tiny_posterior: Posterior) -> None:
    with pytest.raises(ValueError, match="power of two"):
        sobol_indices(tiny_posterior, base_samples=3)


@pytest.mark.slow
def test_sobol_indices_run_with_their_intervals(tiny_posterior: Posterior) -> None:
    indices = sobol_indices(tiny_posterior, base_samples=2, replications=2, rng=4)
    assert set(indices.parameter) == {p.name for p in tiny_posterior.problem.priors}
    assert np.isfinite(indices[["S1", "ST", "S1_conf", "ST_conf"]].to_numpy()).all()
    assert indices.noise_share.iloc[0] >= 0.0


def test_tailoring_premium_is_the_audits_definition(
    tiny_posterior: Posterior, monkeypatch: pytest.MonkeyPatch
) -> None:
    audit = importlib.import_module(
        "districtlab.experiments.audit"
    )  # the package re-exports a function of that name
    calls: list[str] = []
    original = audit.tailoring_premium

    def spy(firms, native, confidence=0.95):  # type: ignore[no-untyped-def]
        calls.append(native)
        return original(firms, native, confidence)

    monkeypatch.setattr(audit, "tailoring_premium", spy)
    result = policy_under_posterior(
        tiny_posterior, draws=2, replications=2, comparisons=("tailoring_premium",), rng=5
    )
    assert calls == ["native", "native"]
    assert result.draws.detail.str.startswith("best transplanted: ").all()
    assert (result.draws.noise_low <= result.draws.difference).all()


def _as_shipped_targets(text: str) -> str:
    """The fixture is fitted to a small target file; a sample must name a shipped set (same priors)."""
    return re.sub(r"(?m)^# targets: .*$", "# targets: spain-2014-2020", text)


def test_a_sample_round_trips_and_bad_samples_get_one_line(tiny_posterior: Posterior, tmp_path: Path) -> None:
    text = _as_shipped_targets(sample_csv(tiny_posterior, 6, 2, command="test", seed=2))
    path = tmp_path / "sample.csv"
    path.write_text(text, encoding="utf-8")
    loaded = load_sample(path)
    assert loaded.districts == tiny_posterior.districts
    expected = tiny_posterior.sample(6, 2).reset_index(drop=True)
    pd.testing.assert_frame_equal(loaded.natural()[expected.columns], expected, rtol=1e-6)
    assert loaded.problem.calendar == tiny_posterior.problem.calendar
    assert read_header(text)["scenario_sha256"] == scenario_digest(
        tiny_posterior.problem.districts["castellon-ceramics"]
    )
    broken = text.replace("# district: castellon-ceramics\n", "")
    with pytest.raises(InputError, match="header lacks district"):
        load_sample(path, text=broken)
    with pytest.raises(InputError, match="is not a preset"):
        load_sample(path, text=text.replace("# district: castellon-ceramics", "# district: /etc/passwd"))
    with pytest.raises(InputError, match="not a shipped target set"):
        load_sample(path, text=text.replace("# targets: ", "# targets: /tmp/"))
    header, _, body = text.partition("draw,")
    rows = body.splitlines()
    first = rows[1].split(",")
    first[1] = "1e9"  # learning_scale far outside its prior
    hostile = header + "draw," + "\n".join([rows[0], ",".join(first), *rows[2:]]) + "\n"
    with pytest.raises(InputError, match="learning_scale"):
        load_sample(path, text=hostile)


def test_every_study_district_ships_a_posterior_sample() -> None:
    texts = shipped_samples()
    for name in districts()[:3]:
        assert name in texts
        posterior = shipped_posterior(name)
        assert posterior is not None
        assert len(posterior.parameters) >= DEMO_DRAWS
        header = texts[name].splitlines()[:20]
        assert any(line.startswith("# calibration_command: districtlab calibrate") for line in header)
        assert any(line.startswith("# sample_seed: ") for line in header)


def test_demo_section_names_both_kinds_of_uncertainty(tmp_path: Path) -> None:
    policy = demo_policy(["toy-valley", "<script>x</script>"], draws=2, replications=2, rng=1)
    assert policy.missing == ("<script>x</script>",)
    assert policy.changed == ()  # the shipped sample was calibrated on the current preset
    summary = policy.summary()
    assert set(summary.comparison) == {"place_based_minus_generic", "equal_spend", "tailoring_premium"}
    html = str(posterior_policy_section(policy, figures_dir=tmp_path))
    assert "simulation noise" in html.lower()
    assert "parameter uncertainty" in html.lower()
    assert "P(place-based beats generic)" in html
    assert "<script>x" not in html
    assert (tmp_path / "posterior_policy.png").read_bytes().startswith(b"\x89PNG")


def test_sample_and_predict_commands(tiny_posterior: Posterior, tmp_path: Path) -> None:
    assert tiny_posterior.directory is not None
    directory = str(tiny_posterior.directory)
    out = tmp_path / "sample.csv"
    made = CliRunner().invoke(
        app, ["calibration-sample", directory, "--draws", "4", "--seed", "3", "--out", str(out)]
    )
    assert made.exit_code == 0, made.output
    text = out.read_text(encoding="utf-8")
    with pytest.raises(InputError, match="not a shipped target set"):  # the fixture's own small targets
        load_sample(out)
    assert len(load_sample(out, text=_as_shipped_targets(text)).parameters) == 4
    again = CliRunner().invoke(app, ["calibration-sample", directory, "--out", str(out)])
    assert again.exit_code == 2
    table = tmp_path / "p.csv"
    predicted = CliRunner().invoke(
        app,
        [
            "predict",
            directory,
            "--technology",
            "robotics",
            "--year",
            "2020..2021",
            "--draws",
            "10",
            "--out",
            str(table),
        ],
    )
    assert predicted.exit_code == 0, predicted.output
    assert "Extrapolated" in predicted.output
    frame = pd.read_csv(table)
    assert list(frame.groupby("year").extrapolated.all()) == [False, True]
    bad = CliRunner().invoke(app, ["predict", directory, "--technology", "robotics", "--year", "soon"])
    assert bad.exit_code == 2
    assert "--year" in bad.output
    sobol = CliRunner().invoke(app, ["calibration-policy", directory, "--sobol", "3"])
    assert sobol.exit_code == 2
    assert "power of two" in sobol.output


def test_trend_misfit_states_the_plateau_with_figures() -> None:
    from districtlab.calibration.checks import trend_misfit, trend_sentence

    check = pd.DataFrame(
        {
            "district": "d",
            "indicator": "eurostat_e_rbt",
            "year": [2018, 2020, 2018, 2020],
            "size_class": ["small", "small", "large", "large"],
            "value": [0.093, 0.075, 0.256, 0.239],
            "mean": [0.10, 0.14, 0.40, 0.50],
            "low": [0.05, 0.06, 0.2, 0.26],
            "high": [0.2, 0.3, 0.8, 0.9],
            "covered": [True, True, True, False],
        }
    )
    misfit = trend_misfit(check)
    assert list(misfit.observed_change.round(1)) == [-1.8, -1.7]
    assert list(misfit.predicted_change.round(1)) == [4.0, 10.0]
    text = trend_sentence(misfit)
    assert "rises in 2 of 2" in text
    assert "1 of 2 2020 figures" in text
    assert "no abandonment" in text


def test_shipped_reference_tables_cover_the_three_districts() -> None:
    from districtlab.calibration.demo import reference_table

    policy = reference_table("reference-policy")
    assert policy is not None
    assert policy.header["command"].startswith("districtlab calibration-policy")
    assert set(policy.frame.district) == set(districts()[:3])
    assert set(policy.frame.comparison) == {"place_based_minus_generic", "equal_spend", "tailoring_premium"}
    assert (policy.frame.probability_low <= policy.frame.probability_positive).all()
    assert (policy.frame.probability_positive <= policy.frame.probability_high).all()
    sobol = reference_table("reference-sobol")
    assert sobol is not None
    assert set(sobol.frame.district) == set(districts()[:3])
    assert {"S1_conf", "ST_conf", "noise_share", "base_samples"} <= set(sobol.frame.columns)
    plateau = reference_table("reference-plateau")
    assert plateau is not None
    assert set(plateau.frame.district) == set(districts()[:3])
