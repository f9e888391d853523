"""Command-line front end of :mod:`districtlab.evidence`: ``evidence`` and ``network`` commands.

Mounted by the main CLI as ``districtlab evidence ...`` (``evidence_app``) and
``districtlab network ...`` (``network_app``). Every command reads and computes
everything before it writes anything, so bad input leaves no output file, and
reports bad input in one line with exit status 2.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from numbers import Integral
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import numpy as np
import typer
from rich.table import Table

from districtlab.cli.common import _, chosen_language, console, error_console, user_errors
from districtlab.errors import InputError
from districtlab.i18n.labels import LABELS
from districtlab.i18n.numbers import format_amount
from districtlab.i18n.translate import N_

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

    from districtlab.evidence.project import QdaProject


#: As :data:`districtlab.evidence.tables.TABLE_SUFFIXES` (not imported: the CLI loads pandas only on use).
_TABLE_SUFFIXES = (".csv", ".parquet", ".xlsx", ".html")

evidence_app = typer.Typer(
    name="evidence",
    help="Coded interviews: import from QDA software, compare cases, measure inter-coder reliability.",
    no_args_is_help=True,
)
network_app = typer.Typer(
    name="network",
    help="Knowledge networks: centralities, gatekeeper roles and Gould-Fernandez brokerage.",
    no_args_is_help=True,
)

ProjectPath = Annotated[
    Path,
    typer.Argument(help="A .qdpx/.qde/.qdc file, a Taguette .csv/.xlsx export or a QualCoder .qda folder."),
]
TableOut = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write the table to a .csv, .parquet, .xlsx or .html file."),
]
Offsets = Annotated[
    str,
    typer.Option(
        "--offsets",
        help="How a REFI-QDA file counts selection positions: auto (decide and say), codepoints "
        "(REFI-QDA 1.5) or utf16 (NVivo).",
    ),
]
Coders = Annotated[list[str] | None, typer.Option("--coder", help="Only this coder's codings (repeatable).")]
EdgesPath = Annotated[
    Path,
    typer.Argument(help="Edge list (.csv, with --nodes), GraphML, Pajek (.net) or UCINET DL (.dl) file."),
]
NodesPath = Annotated[
    Path | None,
    typer.Option(
        "--nodes",
        help="Node table (.csv): id, and type, district, size_class or any other column (kept as attributes).",
    ),
]
Semantics = Annotated[
    str,
    typer.Option(
        "--semantics",
        help="What an edge means: 'flow' (knowledge goes from source to target) or 'nomination' "
        "(source asks target for advice; reversed into flows).",
    ),
]


@contextmanager
def _user_errors() -> Iterator[None]:
    """:func:`user_errors`, with any operating-system error (a full disk, a path under a file) as one line."""
    with user_errors():
        try:
            yield
        except (FileNotFoundError, IsADirectoryError, PermissionError):
            raise  # user_errors words these
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            raise InputError(f"{where}{error.strerror or error}") from None


@contextmanager
def _warnings_as_lines() -> Iterator[None]:
    """Show library warnings as one line each on stderr, as the CLI's errors are."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    for warning in caught:
        error_console.print(_("warning: {message}").format(message=warning.message), markup=False)


def _load(path: Path, offsets: str = "auto", validate: bool = False) -> QdaProject:
    from districtlab.evidence import read_qda
    from districtlab.evidence.offsets import OFFSET_CONVENTIONS

    if offsets not in OFFSET_CONVENTIONS:
        raise InputError(f"--offsets must be one of {', '.join(OFFSET_CONVENTIONS)}, not {offsets!r}")
    with _warnings_as_lines():
        return read_qda(path, offsets=offsets, validate=validate)


def _read_units(path: Path) -> pd.DataFrame:
    """A ``--units`` CSV; empty, ragged or binary files are one-line errors."""
    import pandas as pd

    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputError(f"cannot read the units CSV ({reason})", path=path) from None
    if table.empty:
        raise InputError("the units CSV has no rows", path=path)
    return table


def _writable_folder(out: Path) -> None:
    """Refuse an output folder that cannot be created or written, before any work is done."""
    import os

    if out.exists() and not out.is_dir():
        raise InputError(_("--out must be a folder, and this is a file"), path=out)
    ancestor = out
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise InputError(
            _("--out cannot be created: {path} is a file, not a folder").format(path=ancestor), path=out
        )
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise InputError(
            _("--out cannot be written: no permission to write in {path}").format(path=ancestor), path=out
        )


def _writable_file(out: Path, suffixes: tuple[str, ...]) -> None:
    """Refuse an output file with the wrong suffix or in a folder that is missing or read-only."""
    import os

    if out.is_dir():
        raise InputError(_("{option}: is a folder; give a file name").format(option="--out"), path=out)
    if out.suffix.lower() not in suffixes:
        raise InputError(
            _("--out must end in {suffixes}").format(suffixes=_(" or ").join(suffixes)), path=out
        )
    parent = out.parent
    if not parent.is_dir():
        raise InputError(
            _("--out cannot be written: the folder {path} does not exist").format(path=parent), path=out
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(
            _("--out cannot be written: no permission to write in {path}").format(path=parent), path=out
        )


#: Screen headings of the evidence tables' columns (and of the import summary's rows), in plain words.
#: Files written with --out keep the data's own column names; a column this does not name (a code, a
#: case variable, a user's node attribute) is shown as the data names it.
HEADINGS = {
    "count": N_("Count"),
    "coders": N_("Coders"),
    # matrix, co-occurrence, reliability, codebook
    "code": N_("Code"),
    "code_a": N_("Code A"),
    "code_b": N_("Code B"),
    "n_a": N_("A (n)"),
    "n_b": N_("B (n)"),
    "n_ab": N_("A and B (n)"),
    "c_coefficient": N_("C coefficient"),
    "share_of_a": N_("Share of A's with B"),
    "share_of_b": N_("Share of B's with A"),
    "units": N_("Units"),
    "prevalence": N_("Prevalence"),
    "agreement": N_("Agreement"),
    "alpha": N_("Krippendorff's alpha"),
    "cohen_kappa": N_("Cohen's kappa"),
    "fleiss_kappa": N_("Fleiss' kappa"),
    "path": N_("Code"),
    "is_codable": N_("Codable"),
    "description": N_("Description"),
    # network roles and brokerage
    "node": N_("Node"),
    "type": N_("Type"),
    "group": N_("Group"),
    "in_degree": N_("In-degree"),
    "out_degree": N_("Out-degree"),
    "betweenness": N_("Betweenness"),
    "openness": N_("Openness"),
    "cognitive_role": N_("Cognitive role"),
    "receives_external": N_("Receives from outside"),
    "diffuses_internally": N_("Passes on inside"),
    "gatekeeper": N_("Gatekeeper"),
    "total": N_("Total"),
}
#: Values the tables' cells take that are words of the model (Giuliani and Bell's cognitive roles).
VALUES = {
    "technological_gatekeeper": N_("technological gatekeeper"),
    "active_mutual_exchanger": N_("active mutual exchanger"),
    "external_star": N_("external star"),
    "weakly_connected": N_("weakly connected"),
    "isolated": N_("isolated"),
}
#: The words of the options that titles repeat.
CELLS = {"count": N_("count"), "presence": N_("presence"), "excerpts": N_("excerpts")}
SCOPES = {"overlap": N_("overlapping passages"), "source": N_("same source")}
UNITS = {"paragraph": N_("paragraph"), "source": N_("source")}
LEVELS = {
    "nominal": N_("nominal"),
    "ordinal": N_("ordinal"),
    "interval": N_("interval"),
    "ratio": N_("ratio"),
}
#: Gould-Fernandez roles: counts under their names, z-scores as "z: <role>".
_BROKERAGE = ("coordinator", "itinerant", "representative", "liaison")


def _heading(column: object) -> str:
    name = str(column)
    if name in HEADINGS:
        return _(HEADINGS[name])
    if name in _BROKERAGE:
        return _capitalised(_(LABELS[name]))
    if name.startswith("z_") and name[2:] in (*_BROKERAGE, "gatekeeper", "total"):
        role = name[2:]
        return _("z: {role}").format(role=_(HEADINGS[role]) if role in HEADINGS else _(LABELS[role]))
    return name


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _show(frame: pd.DataFrame, title: str, *, index: bool = True, max_rows: int = 60) -> None:
    """A table on screen: headings in plain words and numbers written the chosen language's way."""
    import pandas as pd

    table = Table(title=title, show_lines=False)
    shown = frame.reset_index() if index else frame
    for column in shown.columns:
        table.add_column(_heading(column), overflow="fold")
    language = chosen_language()
    for row in shown.head(max_rows).itertuples(index=False):
        table.add_row(*("" if pd.isna(value) else _format(value, language) for value in row))
    console.print(table)
    if len(shown) > max_rows:
        console.print(_("... {n} more rows (use --out to write them all)").format(n=len(shown) - max_rows))


def _format(value: object, language: str = "en") -> str:
    if isinstance(value, bool | np.bool_):
        return _("yes") if value else _("no")
    if isinstance(value, Integral):
        return format_amount(int(value), language)
    if isinstance(value, float | np.floating):
        number = float(value)
        if number != 0.0 and abs(number) < 1e-4:
            return f"{number:.4g}"  # too small for four significant digits as a plain decimal
        return format_amount(float(f"{number:.4g}"), language, decimals=-1)
    text = str(value)
    return _(VALUES[text]) if text in VALUES else (_(_IMPORT_ROWS[text]) if text in _IMPORT_ROWS else text)


#: The import summary's row names (its index), translated on screen.
_IMPORT_ROWS = {
    "users": N_("users"),
    "codes": N_("codes"),
    "sources": N_("sources"),
    "text sources": N_("text sources"),
    "sources with missing text": N_("sources with missing text"),
    "coded segments": N_("coded segments"),
    "coders": N_("coders"),
    "cases": N_("cases"),
    "variables": N_("variables"),
}


@evidence_app.command("import")
def import_project(
    path: ProjectPath,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder to write the project's tables into.")
    ] = None,
    table_format: Annotated[
        str, typer.Option("--format", help="Table format for --out: csv or parquet.")
    ] = "csv",
    offsets: Offsets = "auto",
    validate: Annotated[
        bool,
        typer.Option("--validate", help="Check a REFI-QDA project against the REFI-QDA schema (offline)."),
    ] = False,
) -> None:
    """Import a coded project, show what it holds, and optionally write its tables."""
    import pandas as pd

    from districtlab.evidence import write_table

    with _user_errors():
        if table_format not in ("csv", "parquet"):
            raise InputError(f"--format must be csv or parquet, not {table_format!r}")
        if out is not None:
            _writable_folder(out)
        project = _load(path, offsets, validate)
        counts = pd.DataFrame({"count": project.counts()})
        counts.index.name = project.name
        _show(counts, f"{path.name}")
        if out is not None:
            try:
                out.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise InputError(f"--out cannot be created ({error.strerror})", path=out) from None
            tables = {
                "users": project.users,
                "codes": project.codes,
                "sources": project.sources,
                "segments": project.segments,
                "cases": project.cases,
                "case_sources": project.case_sources,
                "variables": project.variables,
                "variable_values": project.variable_values,
                "notes": project.notes,
                "sets": project.sets,
                "links": project.links,
                "regions": project.regions,
            }
            for name, frame in tables.items():
                write_table(frame, out / f"{name}.{table_format}")
            console.print(_("wrote {n} tables to {folder}").format(n=len(tables), folder=out))


@evidence_app.command("matrix")
def matrix(
    path: ProjectPath,
    by: Annotated[
        str, typer.Option("--by", help="Rows: case, source, or a variable such as district.")
    ] = "case",
    cell: Annotated[str, typer.Option("--cell", help="count, presence or excerpts.")] = "count",
    order_by: Annotated[str | None, typer.Option("--order-by", help="Variable that orders the rows.")] = None,
    max_excerpts: Annotated[int, typer.Option("--max-excerpts", min=1, help="Excerpts per cell.")] = 3,
    coder: Coders = None,
    out: TableOut = None,
    offsets: Offsets = "auto",
) -> None:
    """Case-ordered meta-matrix: cases (or districts, ...) x codes."""
    from districtlab.evidence import meta_matrix, meta_matrix_wide, write_table

    with _user_errors():
        if out is not None:
            _writable_file(out, _TABLE_SUFFIXES)
        project = _load(path, offsets)
        tidy = meta_matrix(
            project, by=by, cell=cell, order_by=order_by, max_excerpts=max_excerpts, coders=coder
        )
        wide = meta_matrix_wide(tidy)
        if out is None:
            _show(
                wide.T if cell != "excerpts" else tidy,
                _("{project}: {cell} by {by} × code").format(
                    project=project.name, cell=_(CELLS.get(cell, cell)), by=by
                ),
            )
        else:
            write_table(tidy, out, display=wide, title=f"{project.name}: meta-matrix ({cell} by {by})")
            console.print(_("wrote {files}").format(files=out))


@evidence_app.command("cooccurrence")
def cooccurrence_command(
    path: ProjectPath,
    scope: Annotated[str, typer.Option("--scope", help="overlap (passages) or source.")] = "overlap",
    value: Annotated[
        str, typer.Option("--value", help="Shown in the matrix: c_coefficient or n_ab.")
    ] = "c_coefficient",
    coder: Coders = None,
    out: TableOut = None,
    offsets: Offsets = "auto",
) -> None:
    """Code co-occurrence with counts and the c-coefficient."""
    from districtlab.evidence import cooccurrence, cooccurrence_wide, write_table

    with _user_errors():
        if out is not None:
            _writable_file(out, _TABLE_SUFFIXES)
        project = _load(path, offsets)
        table = cooccurrence(project, scope=scope, coders=coder)
        wide = cooccurrence_wide(table, value)
        if out is None:
            _show(
                table[table["n_ab"] > 0],
                _("{project}: co-occurring codes ({scope})").format(
                    project=project.name, scope=_(SCOPES.get(scope, scope))
                ),
                index=False,
            )
        else:
            note = "c = n12 / (n1 + n2 - n12); also n12/n1 and n12/n2 in the data sheet."
            write_table(
                table,
                out,
                display=wide,
                title=f"{project.name}: code co-occurrence ({value})",
                note=note,
            )
            console.print(_("wrote {files}").format(files=out))


@evidence_app.command("reliability")
def reliability(
    path: ProjectPath,
    unit: Annotated[str, typer.Option("--unit", help="paragraph or source.")] = "paragraph",
    units_file: Annotated[
        Path | None,
        typer.Option("--units", help="CSV of units (source or source_guid, start, end)."),
    ] = None,
    level: Annotated[str, typer.Option("--level", help="nominal, ordinal, interval or ratio.")] = "nominal",
    coder: Coders = None,
    out: TableOut = None,
    offsets: Offsets = "auto",
) -> None:
    """Inter-coder reliability per code and pooled: Krippendorff's alpha, Cohen's and Fleiss' kappa."""

    from districtlab.evidence import reliability_by_code, write_table

    with _user_errors():
        if out is not None:
            _writable_file(out, _TABLE_SUFFIXES)
        project = _load(path, offsets)
        units: str | pd.DataFrame = unit
        if units_file is not None:
            units = _read_units(units_file)
        table = reliability_by_code(project, units=units, level=level, coders=coder)
        if out is None:
            _show(
                table,
                _("{project}: inter-coder reliability (unit: {unit}; level: {level})").format(
                    project=project.name, unit=_(UNITS.get(unit, unit)), level=_(LEVELS.get(level, level))
                ),
                index=False,
            )
        else:
            write_table(table, out, title=f"{project.name}: inter-coder reliability")
            console.print(_("wrote {files}").format(files=out))


@evidence_app.command("codebook")
def codebook(
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the study codebook to a .qdc or .yaml file."),
    ] = None,
) -> None:
    """Show the study's codebook, or export it for a QDA tool (.qdc) or for editing (.yaml)."""
    from districtlab.evidence import study_codebook, study_codebook_file, write_codebook

    with _user_errors():
        if out is not None:
            _writable_file(out, (".qdc", ".yaml", ".yml"))
        codes = study_codebook()
        if out is None:
            _show(
                codes[["path", "is_codable", "description"]],
                _("districtlab study codebook"),
                index=False,
            )
            return
        suffix = out.suffix.lower()
        if suffix == ".qdc":
            write_codebook(codes, out)
        elif suffix in (".yaml", ".yml"):
            from districtlab.io.files import write_atomically

            write_atomically(out, study_codebook_file("yaml").read_bytes())
        else:
            raise InputError("the codebook is exported as .qdc or .yaml", path=out)
        console.print(_("wrote {files}").format(files=out))


def _network(edges: Path, nodes: Path | None, semantics: str, *, require_types: bool = True) -> nx.DiGraph:
    from districtlab.evidence import read_knowledge_network

    return read_knowledge_network(edges, nodes=nodes, edge_semantics=semantics, require_types=require_types)


Pivots = Annotated[
    int,
    typer.Option(
        "--pivots",
        min=2,
        help="Above --exact-max-nodes nodes, betweenness and closeness are estimated from this many "
        "sampled source nodes.",
    ),
]
ExactMaxNodes = Annotated[
    int,
    typer.Option("--exact-max-nodes", min=3, help="Exact betweenness and closeness up to this many nodes."),
]


@network_app.command("roles")
def roles(
    edges: EdgesPath,
    nodes: NodesPath = None,
    semantics: Semantics = "flow",
    group: Annotated[
        str | None,
        typer.Option(
            "--group",
            help="Node attribute (e.g. district) whose groups are the clusters: ties to other groups count "
            "as external. Without it, nodes of type 'external' are the outside world.",
        ),
    ] = None,
    balance_tolerance: Annotated[
        float,
        typer.Option("--balance-tolerance", help="|out-in|/(out+in) up to which ties are balanced."),
    ] = 0.2,
    min_recipients: Annotated[
        int,
        typer.Option(
            "--min-recipients",
            help="Morrison: district actors a gatekeeper must pass knowledge to.",
        ),
    ] = 1,
    pivots: Pivots = 64,
    exact_max_nodes: ExactMaxNodes = 2000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of the sampled source nodes.")] = 0,
    out: TableOut = None,
) -> None:
    """Centralities, Giuliani & Bell cognitive roles and Morrison's gatekeeper conditions."""
    from districtlab.cli.progress import progress_bar
    from districtlab.evidence import centralities, cognitive_roles, morrison_gatekeepers, write_table
    from districtlab.evidence.networks import node_table
    from districtlab.evidence.roles import roles_by_group

    with _user_errors():
        if out is not None:
            _writable_file(out, _TABLE_SUFFIXES)
        graph = _network(edges, nodes, semantics, require_types=group is None)
        if graph.number_of_nodes() > exact_max_nodes:
            error_console.print(
                f"note: {graph.number_of_nodes():,} nodes and {graph.number_of_edges():,} ties: betweenness and "
                f"closeness are estimated from {pivots} sampled source nodes (seed {seed}); exact up to "
                f"{exact_max_nodes:,} nodes (--exact-max-nodes)",
                markup=False,
            )
        with progress_bar(_("shortest paths from sampled sources"), pivots) as update:
            measures = centralities(
                graph, pivots=pivots, exact_max_nodes=exact_max_nodes, seed=seed, progress=update
            )
        attributes = ("type", "district", "size_class") if group is None else (group, "type")
        table = node_table(graph, tuple(dict.fromkeys(attributes))).join(measures)
        if group is None:
            table = table.join(
                cognitive_roles(graph, balance_tolerance=balance_tolerance).drop(
                    columns=["in_degree", "out_degree"]
                )
            )
            table = table.join(
                morrison_gatekeepers(graph, min_internal_recipients=min_recipients).drop(
                    columns="internal_recipients"
                )
            )
        else:
            grouped = roles_by_group(
                graph, group, balance_tolerance=balance_tolerance, min_internal_recipients=min_recipients
            )
            table = table.join(grouped.drop(columns=["group", "in_degree", "out_degree"]))
        if out is None:
            shown = [
                group or "type",
                "in_degree",
                "out_degree",
                "betweenness",
                "openness",
                "cognitive_role",
                "receives_external",
                "diffuses_internally",
                "gatekeeper",
            ]
            _show(
                table[shown],
                _("{network}: knowledge roles within each {group}").format(network=edges.name, group=group)
                if group
                else _("{network}: knowledge roles").format(network=edges.name),
            )
        else:
            write_table(table.reset_index(), out, title=f"{edges.name}: knowledge roles")
            console.print(_("wrote {files}").format(files=out))


@network_app.command("brokerage")
def brokerage(
    edges: EdgesPath,
    group: Annotated[
        str,
        typer.Option("--group", help="Node attribute that defines groups, e.g. type or district."),
    ],
    nodes: NodesPath = None,
    semantics: Semantics = "flow",
    credit: Annotated[str, typer.Option("--credit", help="full (sna) or split (UCINET 1/k).")] = "full",
    out: TableOut = None,
) -> None:
    """Gould-Fernandez brokerage roles with z-scores from sna's null model (any node attribute as groups)."""
    from districtlab.evidence import brokerage_roles, write_table

    with _user_errors():
        if out is not None:
            _writable_file(out, _TABLE_SUFFIXES)
        graph = _network(edges, nodes, semantics, require_types=False)
        from districtlab.cli.progress import progress_bar

        with progress_bar(_("brokers"), graph.number_of_nodes()) as update:
            table = brokerage_roles(graph, group, edge_semantics="flow", credit=credit, progress=update)
        if out is None:
            _show(table, _("{network}: brokerage by {group}").format(network=edges.name, group=group))
        else:
            write_table(
                table.reset_index(),
                out,
                title=f"{edges.name}: Gould-Fernandez brokerage by {group}",
            )
            console.print(_("wrote {files}").format(files=out))


@network_app.command("scenario")
def scenario(
    edges: EdgesPath,
    preset: Annotated[
        str,
        typer.Option("--preset", help="Preset or scenario TOML whose institutions and programmes are kept."),
    ],
    out: Annotated[Path, typer.Option("--out", help="Scenario TOML to write.")],
    nodes: NodesPath = None,
    semantics: Semantics = "flow",
) -> None:
    """Write a scenario whose firms and ties are the observed network's (run it with `districtlab run`)."""
    from districtlab.evidence import scenario_with_observed_network
    from districtlab.io.toml import save_scenario
    from districtlab.presets import load_scenario

    with _user_errors():
        _writable_file(out, (".toml",))
        graph = _network(edges, nodes, semantics)
        observed = scenario_with_observed_network(load_scenario(preset), graph, source=str(edges))
        save_scenario(observed, out)
        assert observed.networks.observed is not None
        console.print(
            _("wrote {file}: {firms} observed firms, {ties} ties (run it: districtlab run {file})").format(
                file=out, firms=observed.n_firms, ties=len(observed.networks.observed.ties)
            )
        )
