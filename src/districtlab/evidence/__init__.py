"""Qualitative evidence and knowledge networks behind the districtlab model.

Import coded interviews from QDA software (REFI-QDA ``.qdpx``/``.qdc`` from
NVivo, ATLAS.ti, MAXQDA, QualCoder...; Taguette highlight exports; QualCoder
projects), browse codes and quotations, compare cases, measure inter-coder
reliability, and analyse who passes technical knowledge to whom (CSV, GraphML,
Pajek, UCINET DL): centralities, Gould-Fernandez brokerage, Giuliani and Bell's
cognitive roles and Morrison's gatekeeper conditions. A synthetic sample study
to try it on ships in :mod:`districtlab.examples`.

>>> from districtlab import evidence
>>> codes = evidence.study_codebook()
>>> "Two-step flow through leading firms" in set(codes["name"])
True
"""

from districtlab.evidence.brokerage import ROLES, brokerage_permutation_test, brokerage_roles
from districtlab.evidence.browse import code_tree, quotations
from districtlab.evidence.calibration import (
    allocation_from_evidence,
    channel_targets,
    check_channel_targets,
    instrument_mix,
    with_evidence_allocation,
)
from districtlab.evidence.codebook import codebook_frame, study_codebook, study_codebook_file
from districtlab.evidence.crosscase import (
    c_coefficient,
    cooccurrence,
    cooccurrence_wide,
    meta_matrix,
    meta_matrix_wide,
    source_groups,
)
from districtlab.evidence.load import read_qda
from districtlab.evidence.networks import (
    ACTOR_TYPES,
    EDGE_SEMANTICS,
    as_flow_graph,
    centralities,
    read_knowledge_network,
    read_ucinet_dl,
)
from districtlab.evidence.observed import scenario_with_observed_network
from districtlab.evidence.project import QdaImportWarning, QdaProject
from districtlab.evidence.qualcoder import read_qualcoder
from districtlab.evidence.refi import read_codebook, read_project, write_codebook, write_project
from districtlab.evidence.reliability import (
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    reliability_by_code,
    unit_presence,
)
from districtlab.evidence.roles import cognitive_roles, morrison_gatekeepers, roles_by_group
from districtlab.evidence.tables import write_table
from districtlab.evidence.taguette import read_taguette

__all__ = [
    "ACTOR_TYPES",
    "EDGE_SEMANTICS",
    "ROLES",
    "QdaImportWarning",
    "QdaProject",
    "allocation_from_evidence",
    "as_flow_graph",
    "brokerage_permutation_test",
    "brokerage_roles",
    "c_coefficient",
    "centralities",
    "channel_targets",
    "check_channel_targets",
    "code_tree",
    "codebook_frame",
    "cognitive_roles",
    "cohen_kappa",
    "cooccurrence",
    "cooccurrence_wide",
    "fleiss_kappa",
    "instrument_mix",
    "krippendorff_alpha",
    "meta_matrix",
    "meta_matrix_wide",
    "morrison_gatekeepers",
    "quotations",
    "read_codebook",
    "read_knowledge_network",
    "read_project",
    "read_qda",
    "read_qualcoder",
    "read_taguette",
    "read_ucinet_dl",
    "reliability_by_code",
    "roles_by_group",
    "scenario_with_observed_network",
    "source_groups",
    "study_codebook",
    "study_codebook_file",
    "unit_presence",
    "with_evidence_allocation",
    "write_codebook",
    "write_project",
    "write_table",
]
