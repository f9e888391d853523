"""Builders shared by the evidence tests: fixture paths, small projects and archives."""

from __future__ import annotations

import zipfile
from pathlib import Path

from districtlab.evidence.project import QdaProject, build_project

#: The shared REFI-QDA fixtures: the project root's sibling ``../shared`` (CI has it there too).
REFI_FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "refi-qda"

ANA = "11111111-1111-4111-8111-111111111111"
BEN = "22222222-2222-4222-8222-222222222222"


def write_zip(path: Path, members: dict[str, bytes | str]) -> Path:
    """A zip archive with the given members (text is encoded as UTF-8)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path


def interview_project() -> QdaProject:
    """Two coders, two interviews in two cases of two districts, with paragraphs and overlaps."""
    first = "Q: How did you hear of it?\nA: At the AIJU event on robots.\n\nQ: Barriers?\nA: Cost, mostly.\n"
    second = "Q: Who advises you?\nA: Our machine supplier and the lead firm.\nA: Also the institute.\n"
    codes = [
        {
            "guid": "c0000000-0000-4000-8000-000000000000",
            "name": "Instruments",
            "is_codable": False,
        },
        {
            "guid": "c0000000-0000-4000-8000-000000000001",
            "name": "Events",
            "parent_guid": "c0000000-0000-4000-8000-000000000000",
            "is_codable": True,
        },
        {"guid": "c0000000-0000-4000-8000-000000000002", "name": "Cost", "is_codable": True},
        {
            "guid": "c0000000-0000-4000-8000-000000000003",
            "name": "Supplier transceivers",
            "is_codable": True,
        },
    ]
    events, cost, suppliers = (code["guid"] for code in codes[1:])
    s1, s2 = "50000000-0000-4000-8000-000000000001", "50000000-0000-4000-8000-000000000002"

    def span(text: str, passage: str) -> tuple[int, int]:
        start = text.index(passage)
        return start, start + len(passage)

    rows = []
    for number, (source, text, passage, code, coder) in enumerate(
        [
            (s1, first, "At the AIJU event on robots.", events, ANA),
            (s1, first, "AIJU event", events, BEN),
            (s1, first, "Cost, mostly.", cost, ANA),
            (s1, first, "Cost", cost, BEN),
            (s1, first, "At the AIJU event on robots.", cost, BEN),
            (s2, second, "Our machine supplier", suppliers, ANA),
            (s2, second, "Our machine supplier and the lead firm.", suppliers, BEN),
            (s2, second, "machine supplier", cost, ANA),
        ]
    ):
        start, end = span(text, passage)
        rows.append(
            {
                "selection_guid": f"a0000000-0000-4000-8000-{number:012d}",
                "source_guid": source,
                "start": start,
                "end": end,
                "code_guid": code,
                "coding_guid": f"b0000000-0000-4000-8000-{number:012d}",
                "coder_guid": coder,
                "created": "2024-03-01T10:00:00Z",
            }
        )
    text_source = {"kind": "text", "has_text": True, "text_missing": False}
    return build_project(
        name="interviews",
        users=[{"guid": ANA, "name": "Ana"}, {"guid": BEN, "name": "Ben"}],
        codes=codes,
        sources=[
            {"guid": s1, "name": "I01 toy maker", "path": f"internal://{s1}.txt", **text_source},
            {"guid": s2, "name": "I02 shoe maker", "path": f"internal://{s2}.txt", **text_source},
        ],
        segments=rows,
        cases=[
            {"guid": "ca000000-0000-4000-8000-000000000001", "name": "Toy firm"},
            {"guid": "ca000000-0000-4000-8000-000000000002", "name": "Shoe firm"},
        ],
        case_sources=[
            {"case_guid": "ca000000-0000-4000-8000-000000000001", "source_guid": s1},
            {"case_guid": "ca000000-0000-4000-8000-000000000002", "source_guid": s2},
        ],
        variables=[
            {"guid": "da000000-0000-4000-8000-000000000001", "name": "district", "type": "Text"},
            {"guid": "da000000-0000-4000-8000-000000000002", "name": "adoption", "type": "Integer"},
        ],
        variable_values=[
            {
                "owner_guid": "ca000000-0000-4000-8000-000000000001",
                "owner_kind": "case",
                "variable_guid": "da000000-0000-4000-8000-000000000001",
                "value": "Toy Valley",
            },
            {
                "owner_guid": "ca000000-0000-4000-8000-000000000002",
                "owner_kind": "case",
                "variable_guid": "da000000-0000-4000-8000-000000000001",
                "value": "Vinalopó",
            },
            {
                "owner_guid": "ca000000-0000-4000-8000-000000000001",
                "owner_kind": "case",
                "variable_guid": "da000000-0000-4000-8000-000000000002",
                "value": "3",
            },
            {
                "owner_guid": "ca000000-0000-4000-8000-000000000002",
                "owner_kind": "case",
                "variable_guid": "da000000-0000-4000-8000-000000000002",
                "value": "1",
            },
        ],
        texts={s1: first, s2: second},
        metadata={"origin": "districtlab tests"},
    )
