"""Evidence into the model: documented priors and pattern targets from coded interviews.

Two bridges from the study's codebook (``data/districtlab-codebook.yaml``) to the model:

* **instrument mix** — how often each district's interviews speak of each RTI
  instrument gives a Dirichlet posterior over the programme's instrument shares
  (a uniform prior plus the coded passages); its mean can replace a place-based
  programme's allocation (:func:`with_evidence_allocation`), and the interval says
  how much the interviews constrain it;
* **channel targets** — the transfer mechanism a district's interviews speak of
  most predicts which adoption channel should be larger there than elsewhere
  (legitimacy in ceramics, the supply chain in footwear, direct RTI contact in a
  living lab); :func:`check_channel_targets` compares those predictions with
  simulated channel shares (pattern-oriented modelling: patterns, not fitted
  numbers).

Codes are matched by name, the last part of their path, so a project coded with
the study's codebook, or any codebook that uses the same names, works.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from districtlab.config import INSTRUMENTS, InstrumentShares, Scenario
from districtlab.errors import InputError
from districtlab.evidence.crosscase import meta_matrix
from districtlab.evidence.project import QdaProject

#: Codebook names of the RTI instruments, and the model's instrument each one is.
INSTRUMENT_CODES: dict[str, str] = {
    "Events": "events",
    "Diagnostics": "diagnostics",
    "Demonstrators": "demonstrator",
    "Collaborative projects": "projects",
    "Training": "training",
    "Grants": "grants",
}
#: Codebook names of the transfer mechanisms, and the adoption channel each one predicts.
#: ``rti_direct`` is the sum of the diagnostic, demonstrator and project channels.
MECHANISM_CHANNELS: dict[str, str] = {
    "Legitimacy and isomorphism": "legitimacy",
    "Two-step flow through leading firms": "supply_chain",
    "Supplier transceivers": "supply_chain",
    "Living lab": "rti_direct",
}


def _counts_by_name(project: QdaProject, by: str, names: list[str]) -> pd.DataFrame:
    """Coded passages per group (rows) and code name (columns), zero where a code is not used."""
    matrix = meta_matrix(project, by=by, cell="count")
    matrix["name"] = matrix["code"].astype(str).str.split(" / ").str[-1]
    counts = matrix[matrix["name"].isin(names)].pivot_table(
        index=by, columns="name", values="count", aggfunc="sum", fill_value=0
    )
    if counts.empty:
        raise InputError(f"no passage is coded with any of: {', '.join(names)}", field=by)
    return counts.reindex(columns=names, fill_value=0)


def instrument_mix(
    project: QdaProject, *, by: str = "district", prior: float = 1.0, credibility: float = 0.9
) -> pd.DataFrame:
    """Posterior instrument shares per group from coded passages.

    Parameters
    ----------
    project
        Coded interviews.
    by
        Group rows by ``"case"``, ``"source"`` or a case variable such as ``"district"``.
    prior
        Dirichlet concentration per instrument before any evidence (1: uniform).
    credibility
        Mass of the equal-tailed interval of each share (Beta marginals of the Dirichlet).

    Returns
    -------
    pandas.DataFrame
        One row per group and instrument: ``passages``, ``observed_share``,
        ``posterior_mean``, ``low``, ``high``, with ``prior`` and ``credibility``.
    """
    if prior <= 0:
        raise InputError(f"prior must be positive, got {prior}")
    counts = _counts_by_name(project, by, list(INSTRUMENT_CODES))
    rows = []
    from scipy import stats  # imported when used: scipy.stats takes half a second to load

    tail = (1 - credibility) / 2
    for group, row in counts.iterrows():
        alpha = row.to_numpy(dtype=float) + prior
        total = alpha.sum()
        passages = row.to_numpy(dtype=float)
        for code, instrument, count, a in zip(
            INSTRUMENT_CODES, INSTRUMENT_CODES.values(), passages, alpha, strict=True
        ):
            marginal = stats.beta(a, total - a)
            rows.append(
                {
                    by: group,
                    "instrument": instrument,
                    "code": code,
                    "passages": int(count),
                    "observed_share": count / passages.sum() if passages.sum() else float("nan"),
                    "posterior_mean": a / total,
                    "low": float(marginal.ppf(tail)),
                    "high": float(marginal.ppf(1 - tail)),
                    "prior": prior,
                    "credibility": credibility,
                }
            )
    return pd.DataFrame(rows)


def allocation_from_evidence(mix: pd.DataFrame, group: str, *, by: str = "district") -> InstrumentShares:
    """The posterior-mean instrument shares of one group, as a programme allocation."""
    chosen = mix[mix[by] == group]
    if chosen.empty:
        known = ", ".join(sorted(map(str, mix[by].unique())))
        raise InputError(f"no evidence for {group!r} (groups: {known})", field=by)
    shares = dict(zip(chosen["instrument"], chosen["posterior_mean"], strict=True))
    total = sum(shares.values())
    return InstrumentShares(**{name: shares[name] / total for name in INSTRUMENTS})


def with_evidence_allocation(
    scenario: Scenario, mix: pd.DataFrame, group: str, *, by: str = "district", programme: str = "place-based"
) -> Scenario:
    """``scenario`` with ``programme``'s allocation replaced by the interviews' posterior mean.

    The programme becomes the active one and its name says where its mix comes from.
    """
    if programme not in scenario.programmes:
        raise InputError(f"the scenario has no programme {programme!r}", field="programmes")
    allocation = allocation_from_evidence(mix, group, by=by)
    design = scenario.programmes[programme].model_dump()
    design["allocation"] = allocation.model_dump()
    design["name"] = f"{design['name']} (instrument mix from interviews: {group})"
    library = {name: value.model_dump() for name, value in scenario.programmes.items()} | {programme: design}
    return scenario.replace(programmes=library, programme=design)


def channel_targets(project: QdaProject, *, by: str = "district") -> pd.DataFrame:
    """Per group, the coded passages of each transfer mechanism and the channel it predicts.

    ``dominant`` marks the mechanism coded most often in the group (ties: all of them).
    """
    counts = _counts_by_name(project, by, list(MECHANISM_CHANNELS))
    rows = []
    for group, row in counts.iterrows():
        top = row.max()
        for mechanism, count in row.items():
            rows.append(
                {
                    by: group,
                    "mechanism": mechanism,
                    "channel": MECHANISM_CHANNELS[str(mechanism)],
                    "passages": int(count),
                    "dominant": bool(top > 0 and count == top),
                }
            )
    return pd.DataFrame(rows)


def check_channel_targets(
    targets: pd.DataFrame,
    channel_shares: pd.DataFrame,
    *,
    by: str = "district",
    groups: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Does each group's dominant mechanism show as its most distinctive channel in the model?

    Parameters
    ----------
    targets
        From :func:`channel_targets`.
    channel_shares
        Simulated shares of adoptions by channel: one row per model district, one
        column per channel (``rti_direct`` included), e.g. the means of
        ``RunResult.outcomes()["sme_adoption_channel_share.<channel>"]``.
    groups
        Maps the interviews' group labels to ``channel_shares``'s index labels
        (by default they are the same).

    Returns
    -------
    pandas.DataFrame
        One row per dominant mechanism: its channel, the group's simulated share,
        the group's rank among all groups on that channel (1 = highest) and
        ``holds`` (rank 1).
    """
    mapping = dict(groups or {})
    rows = []
    for record in targets[targets["dominant"]].itertuples(index=False):
        group = getattr(record, by)
        district = mapping.get(group, group)
        channel = record.channel
        if district not in channel_shares.index:
            raise InputError(f"no simulated shares for {district!r}", field=by)
        if channel not in channel_shares.columns:
            raise InputError(f"no simulated share for channel {channel!r}", field="channel")
        column = channel_shares[channel]
        rank = int((column > column[district]).sum()) + 1
        rows.append(
            {
                by: group,
                "district": district,
                "mechanism": record.mechanism,
                "channel": channel,
                "simulated_share": float(column[district]),
                "rank": rank,
                "of": len(column),
                "holds": rank == 1,
            }
        )
    return pd.DataFrame(rows)
