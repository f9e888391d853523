"""An observed knowledge network as the model's firm network.

A survey of who gets technical advice from whom, read with
:func:`districtlab.evidence.read_knowledge_network`, becomes the firms and ties
of a scenario: firms are the network's lead firms, SMEs and suppliers; the RTI
and the association are not firms, but a tie to them makes a firm a member;
policymakers and external actors are left out. A tie along which knowledge flows
from a lead firm to a supplier is a supply tie (it carries the two-step flow);
every other tie between firms is a peer tie. The firms' traits (absorptive
capacity, RTI affinity, legitimacy threshold) are still drawn per size class.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from districtlab.config import (
    SIZE_CLASS_EMPLOYEES,
    SIZE_CLASSES,
    ObservedFirm,
    ObservedNetwork,
    ObservedTie,
    Scenario,
)
from districtlab.errors import InputError

#: Actor types that are firms, and the model role each one plays by default.
FIRM_ROLES: dict[str, str] = {"lead_firm": "lead", "sme": "producer", "supplier": "supplier"}
#: Default size class by actor type, when the network gives neither size class nor employees.
DEFAULT_SIZES: dict[str, str] = {"lead_firm": "large", "sme": "small", "supplier": "small"}
#: Roles whose outgoing knowledge ties to suppliers are supply ties.
BUYER_ROLES = ("lead", "producer")
SELLER_ROLES = ("supplier", "subcontractor", "tech_supplier")


def _known(value: object) -> bool:
    return value is not None and value == value  # not None, not NaN


def _size_class(attributes: Mapping[str, Any], actor_type: str, default_sizes: Mapping[str, str]) -> str:
    size = attributes.get("size_class")
    if _known(size) and size != "":
        if size not in SIZE_CLASSES:
            raise InputError(f"size_class must be one of {', '.join(SIZE_CLASSES)}, got {size!r}")
        return str(size)
    employees = attributes.get("employees")
    if employees is not None and _known(employees):
        return next(name for name in SIZE_CLASSES[::-1] if float(employees) >= SIZE_CLASS_EMPLOYEES[name][0])
    return default_sizes[actor_type]


def _observed_firms(graph: nx.DiGraph, sizes: Mapping[str, str]) -> tuple[list[ObservedFirm], dict[Any, int]]:
    firms: list[ObservedFirm] = []
    index: dict[Any, int] = {}
    for node, attributes in graph.nodes(data=True):
        actor_type = attributes.get("type")
        if actor_type not in FIRM_ROLES:
            continue
        neighbours = set(graph.predecessors(node)) | set(graph.successors(node))
        kinds = {graph.nodes[n].get("type") for n in neighbours}
        employees = attributes.get("employees")
        index[node] = len(firms)
        firms.append(
            ObservedFirm(
                id=str(node),
                role=attributes.get("role") or FIRM_ROLES[actor_type],
                size_class=_size_class(attributes, actor_type, sizes),
                employees=float(employees) if _known(employees) else None,
                rti_member="rti" in kinds,
                association_member="association" in kinds,
            )
        )
    return firms, index


def _segments(firms: list[ObservedFirm]) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], list[ObservedFirm]] = {}
    for firm in firms:
        groups.setdefault((firm.role, firm.size_class), []).append(firm)
    return [
        {
            "role": role,
            "size_class": size,
            "count": len(members),
            "rti_member_share": sum(f.rti_member for f in members) / len(members),
            "association_member_share": sum(f.association_member for f in members) / len(members),
        }
        for (role, size), members in sorted(groups.items())
    ]


def scenario_with_observed_network(
    base: Scenario,
    graph: nx.DiGraph,
    *,
    default_sizes: Mapping[str, str] | None = None,
    source: str = "observed network",
) -> Scenario:
    """``base`` with its firms and ties taken from an observed knowledge-flow network.

    Parameters
    ----------
    base
        The scenario whose technologies, institutions, behaviour and programmes are kept.
    graph
        A knowledge-flow graph whose nodes carry ``type`` (and optionally ``role``,
        ``size_class``, ``employees``), as returned by ``read_knowledge_network``.
    default_sizes
        Size class by actor type for firms with neither ``size_class`` nor
        ``employees`` (default: lead firms large, SMEs and suppliers small).
    source
        Recorded with the network (for example the file it came from).
    """
    firms, index = _observed_firms(graph, {**DEFAULT_SIZES, **dict(default_sizes or {})})
    if len(firms) < 2:
        raise InputError(f"{source}: fewer than two firms (lead firms, SMEs or suppliers) in the network")
    ties = []
    for u, v, attributes in graph.edges(data=True):
        if u not in index or v not in index:
            continue  # ties to the RTI, the association or outsiders are memberships or outside the district
        buyer_to_seller = firms[index[u]].role in BUYER_ROLES and firms[index[v]].role in SELLER_ROLES
        ties.append(
            ObservedTie(
                source=index[u],
                target=index[v],
                weight=float(attributes.get("weight", 1.0)),
                kind="supply" if buyer_to_seller else "peer",
            )
        )
    observed = ObservedNetwork(source=source, firms=tuple(firms), ties=tuple(ties))
    return base.replace(
        population=base.population.model_dump() | {"segments": _segments(firms)},
        networks=base.networks.model_dump() | {"observed": observed.model_dump()},
        description=f"{base.description} Firms and ties observed: {source}.".strip(),
    )
