"""Typed results of one run, with tidy pandas views."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from districtlab._rng import SeedRecord
from districtlab.config import ROLES, SIZE_CLASSES, Scenario
from districtlab.model import (
    CHANNELS,
    KNOWLEDGE_SOURCES,
    PROGRAMME_SLOTS,
    RTI_CHANNELS,
    SOURCE_OF_CHANNEL,
    SPEND_LINES,
    UNIT_LINES,
    Observations,
)

ALL = "all"
FRAME_COLUMNS = ("step", "technology", "size_class", "role", "metric", "value")
SME_CLASSES = ("micro", "small")
_SME = [SIZE_CLASSES.index(s) for s in SME_CLASSES]
_RTI = [CHANNELS.index(c) for c in RTI_CHANNELS]


def _first_months(reached: NDArray[np.bool_], months: NDArray[np.float64]) -> list[float]:
    """Per column of ``reached`` (steps x columns): the month of its first True row, NaN if none."""
    first = reached.argmax(axis=0)
    hit = reached[first, np.arange(reached.shape[1])]
    return [
        float(months[row]) if ok else float("nan")
        for row, ok in zip(first.tolist(), hit.tolist(), strict=True)
    ]


def maturity_gini(histogram: NDArray[np.int64]) -> NDArray[np.float64]:
    """Gini coefficient of firms' maturity (technologies adopted / K) from per-step histograms.

    ``histogram[t, j]`` is the number of firms with j technologies adopted. The
    Gini is 0 when no firm has adopted anything (everyone equal at zero).
    """
    counts = histogram.astype(np.float64)
    levels = np.arange(counts.shape[1], dtype=np.float64)
    n = counts.sum(axis=1)
    mean = counts @ levels / n
    spread = np.abs(levels[:, None] - levels[None, :])
    mean_difference = np.einsum("ta,ab,tb->t", counts, spread, counts) / n**2
    with np.errstate(invalid="ignore", divide="ignore"):
        gini = np.where(mean > 0, mean_difference / (2.0 * mean), 0.0)
    return gini.astype(np.float64)


@dataclass(frozen=True)
class FirmAdoption:
    """When each firm adopted each technology: recorded by ``simulate(..., record_firms=True)``.

    ``step[i, k]`` is the first step at whose end firm ``i`` (model row ``i``,
    the node ``row`` of :func:`districtlab.network_of` with the same seed) had
    adopted technology ``k``; 0 means adopted at the start, -1 never within the
    run. Firms never abandon a technology in the model, so the firms that have
    adopted ``k`` at step ``t`` are exactly those with ``0 <= step[:, k] <= t``.
    """

    technology_names: tuple[str, ...]
    step: NDArray[np.int16]  # firms x technologies

    def adopted_at(self, step: int) -> NDArray[np.bool_]:
        """Firms x technologies: adopted by the end of ``step``."""
        return (self.step >= 0) & (self.step <= step)

    def technologies_adopted(self, step: int) -> NDArray[np.int64]:
        """Per firm, the number of technologies adopted by the end of ``step``."""
        return self.adopted_at(step).sum(axis=1).astype(np.int64)

    def to_frame(self) -> pd.DataFrame:
        """One row per (firm, technology) adopted: ``firm`` (model row), ``technology``, ``step``."""
        firm, technology = np.nonzero(self.step >= 0)
        return pd.DataFrame(
            {
                "firm": firm.astype(np.int64),
                "technology": np.asarray(self.technology_names, dtype=object)[technology],
                "step": self.step[firm, technology].astype(np.int64),
            }
        )


@dataclass(frozen=True)
class RunResult:
    """One simulation run: the scenario, the seed that reproduces it, and what it recorded.

    ``firms`` holds each firm's adoption steps when the run was asked for them
    (``simulate(..., record_firms=True)``), else ``None``.
    """

    scenario: Scenario
    seed: SeedRecord
    observations: Observations
    firms: FirmAdoption | None = None

    # -- notebook display (districtlab.notebook) -----------------------------------------

    def __repr__(self) -> str:
        from districtlab.notebook import run_repr

        return run_repr(self)

    def _repr_html_(self) -> str:
        from districtlab.notebook import run_html

        return run_html(self)

    def plot(self) -> Any:
        """Adoption of each technology and the laggard share over the run (a matplotlib figure)."""
        from districtlab.notebook import run_plot

        return run_plot(self)

    # -- basic views --------------------------------------------------------------------

    @property
    def n_firms(self) -> int:
        return self.observations.n_firms

    @property
    def steps(self) -> NDArray[np.int64]:
        return np.arange(self.observations.n_steps + 1)

    @property
    def months(self) -> NDArray[np.float64]:
        return (self.steps * self.observations.dt).astype(np.float64)

    @cached_property
    def _adopted_by_technology_size(self) -> NDArray[np.int64]:
        # einsum: several times faster than .sum over short strided axes, and for whole
        # numbers exactly equal (the order of integer additions changes nothing)
        return np.einsum("tksr->tks", self.observations.adopted)  # steps x technologies x size classes

    @cached_property
    def _adopted_by_technology(self) -> NDArray[np.int64]:
        return np.einsum("tks->tk", self._adopted_by_technology_size)  # steps x technologies

    def adoption_share_values(self) -> NDArray[np.float64]:
        """steps x technologies: the values of :meth:`adoption_share`, without the frame."""
        return self._adopted_by_technology / self.n_firms

    def adoption_share(self) -> pd.DataFrame:
        """Share of all firms that have adopted each technology, indexed by step."""
        frame = pd.DataFrame(
            self.adoption_share_values(),
            index=pd.Index(self.steps, name="step"),
            columns=pd.Index(self.observations.technology_names, name="technology"),
        )
        return frame

    def laggard_share(self) -> NDArray[np.float64]:
        """Share of firms with no technology adopted, per step."""
        histogram = self.observations.maturity_histogram
        return histogram[:, 0] / histogram.sum(axis=1)

    def maturity_mean(self) -> NDArray[np.float64]:
        histogram = self.observations.maturity_histogram.astype(np.float64)
        k = histogram.shape[1] - 1
        return histogram @ (np.arange(k + 1) / k) / histogram.sum(axis=1)

    def programme_spend(self) -> NDArray[np.float64]:
        """Spending of the scenario's programme per step (all lines)."""
        return self.observations.spend[:, PROGRAMME_SLOTS.index("programme")].sum(axis=1)

    # -- scalar outcomes --------------------------------------------------------------------

    def horizon_row(self, horizon_months: float | None = None) -> int:
        """Row of the recorded arrays at which outcomes are read (issue 9: the horizon is a parameter).

        ``horizon_months`` defaults to ``scenario.reporting.horizon_months``, then to the
        end of the run; a horizon past the end reads the end.
        """
        if horizon_months is None:
            horizon_months = self.scenario.reporting.horizon_months
        if horizon_months is None:
            return self.observations.n_steps
        if not horizon_months > 0.0:
            raise ValueError(f"the horizon must be a positive number of months, got {horizon_months}")
        return min(round(horizon_months / self.observations.dt), self.observations.n_steps)

    def outcomes(self, horizon_months: float | None = None) -> dict[str, float]:
        """Outcomes at the horizon, one number each (the quantities experiments compare).

        As in diffusion research, an *adopter* is counted per technology: ``adopters``
        sums, over technologies, the firms that have adopted each one, and
        ``new_adopters`` those that adopted during the run. ``firms_adopting`` counts
        firms with at least one technology, ``new_firms_adopting`` those that had none
        at month 0; ``laggard_share`` the share with none. See docs/model-contract.md
        for the full list (speed, money and knowledge provenance).
        """
        o = self.observations
        final = self.horizon_row(horizon_months)
        n = self.n_firms
        months = self.months
        by_technology = self._adopted_by_technology
        adopted_final = by_technology[final]
        adopted_initial = by_technology[0]
        histogram = o.maturity_histogram
        result: dict[str, float] = {
            "adopters": float(adopted_final.sum()),
            "new_adopters": float(adopted_final.sum() - adopted_initial.sum()),
            "firms_adopting": float(n - histogram[final, 0]),
            "new_firms_adopting": float(o.firms_adopting[final].sum() - o.firms_adopting[0].sum()),
            "adoption_share_mean": float(adopted_final.mean() / n),
            "laggard_share": float(histogram[final, 0] / histogram[final].sum()),  # laggard_share()[final]
            "maturity_mean": float(self.maturity_mean()[final]),
            "maturity_gini": float(maturity_gini(histogram[final : final + 1])[0]),
        }
        result.update(self._speed(final, months))
        result.update(self._money(final))
        # Counts are whole numbers, so tallying them for all technologies, size classes or
        # channels at once gives exactly the sums taken one by one (and costs a few calls);
        # the shares are then divided as Python numbers, which round exactly as numpy's do.
        half = _first_months(by_technology[: final + 1] / n >= 0.5, months)  # adoption_share() >= 0.5
        for name, adopted, first in zip(o.technology_names, adopted_final.tolist(), half, strict=True):
            result[f"adoption_share.{name}"] = adopted / n
            result[f"months_to_half.{name}"] = first
        adopted_by_size = self._adopted_by_technology_size[final]  # technologies x size classes
        initial_by_size = self._adopted_by_technology_size[0]
        for size, firms, engaged, mean, new, adopting, adopting_before in zip(
            SIZE_CLASSES,
            o.firms_by_group.sum(axis=1).tolist(),
            o.engaged[final].tolist(),
            adopted_by_size.mean(axis=0).tolist(),
            (adopted_by_size.sum(axis=0) - initial_by_size.sum(axis=0)).tolist(),
            o.firms_adopting[final].tolist(),
            o.firms_adopting[0].tolist(),
            strict=True,
        ):
            result[f"engaged_share.{size}"] = engaged / firms if firms else float("nan")
            result[f"size_adoption_share.{size}"] = mean / firms if firms else float("nan")
            result[f"new_adopters.{size}"] = float(new)
            result[f"new_firms_adopting.{size}"] = float(adopting - adopting_before)
        new_by_channel = o.adoptions_by_channel[final] - o.adoptions_by_channel[0]  # channels x tech x size
        sme_by_channel = new_by_channel[:, :, _SME].sum(axis=(1, 2)).tolist()
        sme_total = sum(sme_by_channel)
        for channel, count in zip(CHANNELS, sme_by_channel, strict=True):
            if channel == "initial":
                continue
            result[f"sme_adoption_channel_share.{channel}"] = count / sme_total if sme_total else float("nan")
        result["sme_adoption_channel_share.rti_direct"] = (
            sum(sme_by_channel[index] for index in _RTI) / sme_total if sme_total else float("nan")
        )
        result.update(self._provenance(final))
        return result

    def _speed(self, final: int, months: NDArray[np.float64]) -> dict[str, float]:
        """Adopter-months (cumulative, optionally discounted) and months to a target share."""
        o = self.observations
        reporting = self.scenario.reporting
        dt = o.dt
        adopters = self._adopted_by_technology[: final + 1].sum(axis=1).astype(np.float64)
        firms = o.firms_adopting[: final + 1].astype(np.float64)  # steps x sizes
        months = months[: final + 1]
        discount = (1.0 + reporting.discount_rate_per_year) ** (-months / 12.0)
        extra = adopters - adopters[0]  # adoptions made during the run, month by month
        extra_firms = firms.sum(axis=1) - firms[0].sum()
        by_size = np.einsum("tks->ts", self._adopted_by_technology_size[: final + 1]).astype(np.float64)
        result = {
            "adopter_months": float(extra[1:].sum() * dt),
            "adopter_months_discounted": float((extra * discount)[1:].sum() * dt),
            "firm_adopter_months": float(extra_firms[1:].sum() * dt),
        }
        # whole numbers of adopters, so summing every size class at once changes no bit
        extra_by_size = (by_size[1:] - by_size[0]).sum(axis=0) * dt
        for size_index, size in enumerate(SIZE_CLASSES):
            result[f"adopter_months.{size}"] = float(extra_by_size[size_index])
        target = reporting.target_adoption_share
        n, k = self.n_firms, len(o.technology_names)
        firms_per_size = o.firms_by_group.sum(axis=1)
        in_class = firms_per_size > 0
        reached = np.column_stack(  # steps x (2 + 2 x size classes): has the share reached the target?
            (
                adopters / (n * k) >= target,
                firms.sum(axis=1) / n >= target,
                (by_size / np.maximum(firms_per_size * k, 1) >= target) & in_class,
                (firms / np.maximum(firms_per_size, 1) >= target) & in_class,
            )
        )
        first = _first_months(reached, months)
        result["months_to_target_share"], result["months_to_target_firm_share"] = first[0], first[1]
        n_sizes = len(SIZE_CLASSES)
        for size_index, size in enumerate(SIZE_CLASSES):
            result[f"months_to_target_share.{size}"] = first[2 + size_index]
            result[f"months_to_target_firm_share.{size}"] = first[2 + n_sizes + size_index]
        return result

    def _money(self, final: int) -> dict[str, float]:
        """Budget, realised public spend, unspent budget, private and post-programme spend (EUR).

        The budget is the programme's total once the horizon is past its end, and the budget made
        available so far (co-design, the demonstrator's capital, the monthly inflows) before it.
        """
        o = self.observations
        slot = PROGRAMME_SLOTS.index("programme")
        public = float(o.spend[: final + 1, slot].sum())
        programme = self.scenario.programme
        horizon_month = float(self.months[final])
        if not programme.is_active():
            budget = 0.0
        elif horizon_month >= programme.start_month + programme.duration_months:
            budget = programme.total_budget_eur
        else:  # a horizon within the programme: the budget made available by then
            budget = float(o.released[: final + 1, slot].sum())
        return {
            "programme_spend_eur": public,
            "public_spend_eur": public,
            "budget_eur": float(budget),
            "unspent_budget_eur": float(max(budget - public, 0.0)),
            "private_spend_eur": float(o.private_spend[: final + 1, slot].sum()),
            "post_programme_spend_eur": float(o.post_programme_spend[: final + 1, slot].sum()),
            "core_services_spend_eur": float(o.spend[: final + 1, 0].sum()),
        }

    def _provenance(self, final: int) -> dict[str, float]:
        """Where the knowledge behind new knowledge and new adoptions came from (issue 9).

        Shares over pairs that became knowledgeable (adopted) during the run, by source;
        each set sums to 1 (NaN when there are none). ``sme_two_step_share``: share of
        SME adoptions whose knowledge came from a lead firm that had it from the RTI.
        """
        o = self.observations
        result: dict[str, float] = {}
        sme = [SIZE_CLASSES.index(s) for s in SME_CLASSES]
        for prefix, table in (
            ("knowledge_source_share", o.knowledge_by_channel),
            ("adoption_source_share", o.adoptions_by_knowledge),
        ):
            new = (table[final] - table[0]).sum(axis=1)  # channels
            by_source = dict.fromkeys(KNOWLEDGE_SOURCES, 0.0)
            for channel_index, channel in enumerate(CHANNELS):
                source = SOURCE_OF_CHANNEL.get(channel)
                if source is not None:
                    by_source[source] += float(new[channel_index])
            total = sum(by_source.values())
            for source, count in by_source.items():
                result[f"{prefix}.{source}"] = count / total if total else float("nan")
        new_adoptions = o.adoptions_by_knowledge[final] - o.adoptions_by_knowledge[0]
        sme_adoptions = float(new_adoptions[:, sme].sum())
        two_step = float(new_adoptions[CHANNELS.index("two_step"), sme].sum())
        result["sme_two_step_share"] = two_step / sme_adoptions if sme_adoptions else float("nan")
        return result

    # -- tidy frame --------------------------------------------------------------------

    def to_frame(self) -> pd.DataFrame:
        """All recorded metrics as tidy rows: step, technology, size_class, role, metric, value.

        ``"all"`` marks a dimension summed over. Metric names:

        * ``adoption_share`` (share of the firms of that group) and ``adopters`` (count),
          per technology x size class x role, with all marginals;
        * ``aware_share``, ``knowledgeable_share`` per technology;
        * ``laggard_share``, ``maturity_mean``, ``maturity_gini``;
        * ``adoptions_by_channel.<channel>``: cumulative adoptions per technology x size class;
        * ``adoptions_by_knowledge.<channel>``: cumulative adoptions per size class by the channel
          their knowledge came from; ``firms_adopting_share`` per size class (at least one technology);
        * ``engaged_share`` per size class: firms that have dealt with the RTI;
        * ``rti_competence`` and ``legitimacy`` per technology; ``absorptive_capacity_mean`` per size;
        * ``private_spend_eur.<slot>`` and ``post_programme_spend_eur.<slot>`` per step (flows);
        * ``spend_eur.<slot>.<line>``, ``units.<slot>.<line>`` and ``budget_released.<slot>`` per
          step (flows), for the slots ``rti_core_services`` and ``programme``.
        """
        o = self.observations
        steps = self.steps
        techs = np.array(o.technology_names, dtype=object)
        sizes = np.array(SIZE_CLASSES, dtype=object)
        roles = np.array(ROLES, dtype=object)
        all_ = np.array([ALL], dtype=object)
        blocks: list[pd.DataFrame] = []

        def block(
            metric: str,
            values: NDArray[np.floating[Any]] | NDArray[np.integer[Any]],
            tech: NDArray[np.object_],
            size: NDArray[np.object_],
            role: NDArray[np.object_],
        ) -> None:
            """values has shape steps x len(tech) x len(size) x len(role)."""
            shape = values.shape
            grid = np.meshgrid(
                steps, np.arange(shape[1]), np.arange(shape[2]), np.arange(shape[3]), indexing="ij"
            )
            blocks.append(
                pd.DataFrame(
                    {
                        "step": grid[0].ravel(),
                        "technology": tech[grid[1].ravel()],
                        "size_class": size[grid[2].ravel()],
                        "role": role[grid[3].ravel()],
                        "metric": metric,
                        "value": values.astype(np.float64).ravel(),
                    }
                )
            )

        adopted = o.adopted.astype(np.float64)  # steps x tech x size x role
        group = o.firms_by_group.astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            block("adoption_share", adopted / group[None, None], techs, sizes, roles)
            block(
                "adoption_share",
                adopted.sum(axis=3, keepdims=True) / group.sum(axis=1)[None, None, :, None],
                techs,
                sizes,
                all_,
            )
            block(
                "adoption_share",
                adopted.sum(axis=2, keepdims=True) / group.sum(axis=0)[None, None, None, :],
                techs,
                all_,
                roles,
            )
        block("adoption_share", adopted.sum(axis=(2, 3))[:, :, None, None] / self.n_firms, techs, all_, all_)
        block("adopters", adopted, techs, sizes, roles)
        block("adopters", adopted.sum(axis=(2, 3))[:, :, None, None], techs, all_, all_)
        for level, name in ((1, "aware_share"), (2, "knowledgeable_share")):
            block(name, o.at_least[:, level, :, None, None] / self.n_firms, techs, all_, all_)
        for name, series in (
            ("laggard_share", self.laggard_share()),
            ("maturity_mean", self.maturity_mean()),
            ("maturity_gini", maturity_gini(o.maturity_histogram)),
        ):
            block(name, series[:, None, None, None], all_, all_, all_)
        for channel_index, channel in enumerate(CHANNELS):
            block(
                f"adoptions_by_channel.{channel}",
                o.adoptions_by_channel[:, channel_index, :, :, None],
                techs,
                sizes,
                all_,
            )
        for channel_index, channel in enumerate(CHANNELS):
            block(
                f"adoptions_by_knowledge.{channel}",
                o.adoptions_by_knowledge[:, None, channel_index, :, None],
                all_,
                sizes,
                all_,
            )
        firms_per_size = group.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            block("engaged_share", (o.engaged / firms_per_size)[:, None, :, None], all_, sizes, all_)
            block(
                "firms_adopting_share",
                (o.firms_adopting / firms_per_size)[:, None, :, None],
                all_,
                sizes,
                all_,
            )
        block("rti_competence", o.rti_competence[:, :, None, None], techs, all_, all_)
        block("legitimacy", o.legitimacy[:, :, None, None], techs, all_, all_)
        block("absorptive_capacity_mean", o.absorptive_capacity[:, None, :, None], all_, sizes, all_)
        for slot_index, slot in enumerate(PROGRAMME_SLOTS):
            block(f"budget_released.{slot}", o.released[:, slot_index, None, None, None], all_, all_, all_)
            block(
                f"private_spend_eur.{slot}",
                o.private_spend[:, slot_index, None, None, None],
                all_,
                all_,
                all_,
            )
            block(
                f"post_programme_spend_eur.{slot}",
                o.post_programme_spend[:, slot_index, None, None, None],
                all_,
                all_,
                all_,
            )
            for line_index, line in enumerate(SPEND_LINES):
                block(
                    f"spend_eur.{slot}.{line}",
                    o.spend[:, slot_index, line_index, None, None, None],
                    all_,
                    all_,
                    all_,
                )
            for line_index, line in enumerate(UNIT_LINES):
                block(
                    f"units.{slot}.{line}",
                    o.units[:, slot_index, line_index, None, None, None],
                    all_,
                    all_,
                    all_,
                )
        frame = pd.concat(blocks, ignore_index=True)
        for column in ("technology", "size_class", "role", "metric"):
            frame[column] = frame[column].astype("category")
        return frame
