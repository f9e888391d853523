"""Inter-coder reliability: known answers, a cross-check against the ``krippendorff`` package, and codings."""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from districtlab.errors import InputError
from districtlab.evidence import (
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    reliability_by_code,
    unit_presence,
)
from districtlab.evidence.reliability import LEVELS, POOLED, project_units

nan = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 coders x 12 units.
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
]


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", 0.7434), ("ordinal", 0.8154), ("interval", 0.8491), ("ratio", 0.7974)],
)
def test_krippendorff_2011_four_coders(level: str, expected: float) -> None:
    assert round(krippendorff_alpha(K2011, level=level), 4) == expected


def test_krippendorff_2011_nominal_is_904_over_1216_off_one() -> None:
    assert krippendorff_alpha(K2011, level="nominal") == pytest.approx(1 - 312 / 1216)


def test_krippendorff_2011_binary_and_two_coder_examples() -> None:
    binary = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    assert round(krippendorff_alpha(binary, level="nominal"), 4) == 0.0952
    nominal = [[1, 1, 2, 2, 4, 3, 3, 3, 5, 4, 4, 1], [2, 1, 2, 2, 2, 3, 3, 3, 5, 4, 4, 4]]
    assert round(krippendorff_alpha(nominal, level="nominal"), 3) == 0.692


def test_krippendorff_labels_and_edge_cases() -> None:
    assert krippendorff_alpha([["A", "B"], ["B", "A"]], level="nominal") == pytest.approx(-0.5)
    assert krippendorff_alpha([["yes", None, "no"], ["yes", "no", "no"]], level="nominal") == pytest.approx(
        1.0
    )
    assert np.isnan(krippendorff_alpha([[1, 1, 1], [1, 1, 1]], level="nominal"))
    with pytest.raises(InputError, match="no unit has values from two or more coders"):
        krippendorff_alpha([[1, nan], [nan, 2]], level="nominal")
    with pytest.raises(InputError, match="level must be one of"):
        krippendorff_alpha(K2011, level="cardinal")
    with pytest.raises(InputError, match="non-numeric ratings need level='nominal'"):
        krippendorff_alpha([["a", "b"], ["a", "a"]], level="interval")


ratings = arrays(
    dtype=float,
    shape=st.tuples(st.integers(2, 5), st.integers(2, 12)),
    elements=st.one_of(st.sampled_from([1.0, 2.0, 3.0, 4.0, 7.0]), st.just(nan)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=ratings, level=st.sampled_from(LEVELS))
def test_alpha_agrees_with_the_krippendorff_package(data: np.ndarray, level: str) -> None:
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    assume(pairable.any() and np.unique(data[:, pairable][~np.isnan(data[:, pairable])]).size >= 2)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert krippendorff_alpha(data, level=level) == pytest.approx(expected, abs=1e-9)


def expand(table: list[list[int]]) -> list[list[int]]:
    """Two coders' ratings behind a square contingency table."""
    first, second = [], []
    for row, counts in enumerate(table):
        for column, count in enumerate(counts):
            first += [row] * count
            second += [column] * count
    return [first, second]


def test_cohen_kappa_known_answers() -> None:
    sas = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]
    assert round(cohen_kappa(expand(sas)), 4) == 0.4842
    assert round(cohen_kappa(expand(sas), weights="linear"), 4) == 0.4701
    assert round(cohen_kappa(expand([[20, 5], [10, 15]])), 2) == 0.40
    assert np.isnan(cohen_kappa([[1, 1, 1], [1, 1, 1]]))
    with pytest.raises(InputError, match="two coders"):
        cohen_kappa(K2011)


def test_fleiss_kappa_known_answers() -> None:
    # Wikipedia: 10 subjects, 14 raters, 5 categories (counts per category).
    counts = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    raters = np.array([[c for c, n in enumerate(row) for _ in range(n)] for row in counts]).T
    assert round(fleiss_kappa(raters), 3) == 0.210
    # Fleiss (1971) diagnoses: 30 patients x 6 psychiatrists.
    diagnoses = np.array(
        [
            [4, 4, 4, 4, 4, 4],
            [2, 2, 2, 5, 5, 5],
            [2, 3, 3, 3, 3, 5],
            [5, 5, 5, 5, 5, 5],
            [2, 2, 2, 4, 4, 4],
            [1, 1, 3, 3, 3, 3],
            [3, 3, 3, 3, 5, 5],
            [1, 1, 3, 3, 3, 4],
            [1, 1, 4, 4, 4, 4],
            [5, 5, 5, 5, 5, 5],
            [1, 4, 4, 4, 4, 4],
            [1, 2, 4, 4, 4, 4],
            [2, 2, 2, 3, 3, 3],
            [1, 4, 4, 4, 4, 4],
            [2, 2, 4, 4, 4, 5],
            [3, 3, 3, 3, 3, 5],
            [1, 1, 1, 4, 5, 5],
            [1, 1, 1, 1, 1, 2],
            [2, 2, 4, 4, 4, 4],
            [1, 3, 3, 5, 5, 5],
            [5, 5, 5, 5, 5, 5],
            [2, 4, 4, 4, 4, 4],
            [2, 2, 4, 5, 5, 5],
            [1, 1, 4, 4, 4, 4],
            [1, 4, 4, 4, 4, 5],
            [2, 2, 2, 2, 2, 4],
            [1, 1, 1, 1, 5, 5],
            [2, 2, 4, 4, 4, 4],
            [1, 3, 3, 3, 3, 3],
            [5, 5, 5, 5, 5, 5],
        ]
    )
    assert round(fleiss_kappa(diagnoses.T), 4) == 0.4302


def test_paragraph_units_are_non_blank_lines(project) -> None:
    units = project_units(project, "paragraph")
    first = project.sources["guid"].iloc[0]
    text = project.text(first)
    lines = [
        text[start:end]
        for start, end in units.loc[units["source_guid"] == first, ["start", "end"]].to_numpy()
    ]
    assert lines == [
        "Q: How did you hear of it?",
        "A: At the AIJU event on robots.",
        "Q: Barriers?",
        "A: Cost, mostly.",
    ]


def test_unit_presence_marks_codings_per_coder_and_unit(project) -> None:
    presence, _units, coders, codes = unit_presence(project, units="paragraph")
    assert coders == ["Ana", "Ben"]
    names = dict(zip(project.codes["guid"], project.codes["name"], strict=True))
    assert [names[guid] for guid in codes] == ["Events", "Cost", "Supplier transceivers"]
    events, cost = 0, 1
    # Paragraph 2 of I01 ("A: At the AIJU event on robots."): both coded Events, only Ben coded Cost.
    assert presence[:, 1, events].tolist() == [1.0, 1.0]
    assert presence[:, 1, cost].tolist() == [0.0, 1.0]
    assert presence[:, 0, events].tolist() == [0.0, 0.0]


def test_a_coder_who_skipped_a_source_is_missing_not_absent(project) -> None:
    ana_only_first = project.segments[
        ~((project.segments["coder"] == "Ben") & project.segments["source_name"].str.startswith("I02"))
    ]
    skipped = type(project)(**{**project.__dict__, "segments": ana_only_first.reset_index(drop=True)})
    presence, units, _, _ = unit_presence(skipped, units="paragraph")
    second = (units["source_guid"] == project.sources["guid"].iloc[1]).to_numpy()
    assert np.isnan(presence[1, second, :]).all()
    assert not np.isnan(presence[0, second, :]).any()


def test_reliability_by_code_reports_each_code_and_pooled(project) -> None:
    table = reliability_by_code(project, units="paragraph").set_index("code")
    assert list(table.index) == ["Instruments / Events", "Cost", "Supplier transceivers", POOLED]
    assert table.loc["Instruments / Events", "alpha"] == pytest.approx(1.0)
    assert table.loc["Supplier transceivers", "alpha"] == pytest.approx(1.0)
    # Cost: the coders disagree on one of the seven paragraphs.
    cost = [[0, 0, 0, 1, 0, 1, 0], [0, 1, 0, 1, 0, 0, 0]]
    assert table.loc["Cost", "alpha"] == pytest.approx(krippendorff_alpha(cost))
    assert table.loc["Cost", "agreement"] == pytest.approx(5 / 7)
    assert table.loc["Cost", "cohen_kappa"] == pytest.approx(cohen_kappa(cost))
    pooled = np.concatenate(
        [[[0, 1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0, 0]], cost, [[0] * 5 + [1, 0]] * 2], axis=1
    )
    assert table.loc[POOLED, "alpha"] == pytest.approx(krippendorff_alpha(pooled))
    assert table["units"].tolist() == [7, 7, 7, 21]  # pooled: 7 paragraphs x 3 codes
    assert (table["coders"] == 2).all()


def test_reliability_over_whole_sources_and_given_units(project) -> None:
    by_source = reliability_by_code(project, units="source").set_index("code")
    assert by_source.loc["Cost", "units"] == 2
    given_units = pd.DataFrame(
        {"source": ["I01 toy maker", "I02 shoe maker"], "start": [0, 0], "end": [60, 50]}
    )
    table = reliability_by_code(project, units=given_units)
    assert table["units"].tolist() == [2, 2, 2, 6]


def test_reliability_errors(project) -> None:
    with pytest.raises(InputError, match="two or more coders"):
        reliability_by_code(project, coders=["Ana"])
    with pytest.raises(InputError, match="unknown coder"):
        reliability_by_code(project, coders=["Ana", "Zoe"])
    with pytest.raises(InputError, match="units must be one of"):
        reliability_by_code(project, units="sentence")


# The anxiety ratings of R's irr package (Gamer et al.), as statsmodels' own tests copy them
# (statsmodels/stats/tests/test_inter_rater.py, `anxiety`, 20 subjects x 3 raters, column order).
ANXIETY_RATINGS = (
    "3 3 3 4 5 5 2 3 5 2 2 6 1 5 2 2 1 2 4 3 "
    "3 6 4 6 2 4 2 4 3 3 2 3 3 3 2 2 1 3 3 4 "
    "2 1 4 4 3 2 1 6 1 1 1 2 3 3 1 1 3 3 2 2"
)
ANXIETY = np.fromstring(ANXIETY_RATINGS, dtype=np.int64, sep=" ").reshape(20, 3, order="F")


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        # R: kappa2(anxiety[,2:3]) -> -0.006289308; kappa2(anxiety[,2:3], "equal") -> 0.1459075;
        # kappa2(anxiety[,2:3], "squared") -> 0.2520325 (values as published in statsmodels'
        # test_cohens_kappa_irr, which records the R output).
        (None, -0.006289308),
        ("linear", 0.1459075),
        ("quadratic", 0.2520325),
    ],
)
def test_cohen_kappa_reproduces_irr_kappa2_with_rank_weights(weights: str | None, expected: float) -> None:
    raters = ANXIETY[:, 1:].T  # raters 2 and 3: category 5 never occurs, so ranks and values differ
    assert cohen_kappa(raters, weights=weights, weight_scale="rank") == pytest.approx(expected, abs=5e-7)


def test_value_and_rank_scales_differ_only_when_a_category_in_between_is_unused() -> None:
    raters = ANXIETY[:, 1:].T
    by_value = cohen_kappa(raters, weights="linear", weight_scale="value")
    by_rank = cohen_kappa(raters, weights="linear", weight_scale="rank")
    assert by_value != pytest.approx(by_rank, abs=1e-3)
    dense = np.array([[1, 2, 3, 2, 1, 3], [1, 3, 3, 2, 2, 3]])
    assert cohen_kappa(dense, weights="quadratic", weight_scale="value") == pytest.approx(
        cohen_kappa(dense, weights="quadratic", weight_scale="rank")
    )
    with pytest.raises(InputError, match="weight_scale"):
        cohen_kappa(dense, weights="linear", weight_scale="ordinal")
