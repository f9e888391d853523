"""Builders shared by the evidence tests: small projects and archives reproducing vendor quirks.

Nothing here reads files outside ``tests/``: each vendor quirk seen in real
exports (ATLAS.ti free quotations and multi-coded selections, NVivo's UTF-16
positions, MAXQDA's ``.zip`` archives with lower-case folders and an empty
``.root`` folder, notes, sets, links and PDF or picture regions) is rebuilt
here in a few lines of XML.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from districtlab.evidence.project import QdaProject, build_project

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


# ----------------------------------------------------------------------------- vendor-style exports

ATLAS_ORIGIN = "ATLAS.ti for Windows 23.2.3.27778"
ATLAS_USER = "088B08AC-D5CD-4ADB-8B71-B4F3459C177F"
ATLAS_TOOL_USER = "C32A2BD5-537F-4838-8B17-DF9EFBAFDF4B"
ATLAS_SOURCE = "5E0F1A22-3C4B-4D5E-8F60-718293A4B5C7"
ATLAS_CODES = {
    "Commits": "A182CD3A-D83C-4D8C-BC80-26D9103EC6D6",
    "Diagnostics": "A182CD3A-D83C-4D8C-BC80-26D9103EC6D7",
    "Robots": "A182CD3A-D83C-4D8C-BC80-26D9103EC6D8",
    "Suppliers": "A182CD3A-D83C-4D8C-BC80-26D9103EC6D9",
}
ATLAS_TEXT = (
    "Interviewer: How did the institute help?\n"
    "Manager: They ran a diagnostic of the plant, then a robot demonstrator with our suppliers.\n"
    "Interviewer: And the association?\n"
    "Manager: Mostly training courses for the staff.\n"
)
#: The free quotation (no coding, a comment) and the passage carrying three codings.
ATLAS_FREE_QUOTATION = "Mostly training courses for the staff."
ATLAS_TRIPLE = "a robot demonstrator with our suppliers"


def atlas_like_qde(*, with_sources: bool = True) -> str:
    """An ATLAS.ti 8-style project: two users, a code group, a free quotation and a triple coding."""
    codes = ATLAS_CODES
    users = (
        f'<Users><User guid="{ATLAS_USER}" name="Enric Llagostera"/>'
        f'<User guid="{ATLAS_TOOL_USER}" name="ATLAS.ti"/></Users>'
    )
    codebook = (
        f'<CodeBook><Codes><Code guid="{codes["Commits"]}" name="Commits" isCodable="true" color="#ffd700">'
        f'<Code guid="{codes["Diagnostics"]}" name="Diagnostics" isCodable="true"/>'
        f'<Code guid="{codes["Robots"]}" name="Robots" isCodable="true"/></Code>'
        f'<Code guid="{codes["Suppliers"]}" name="Suppliers" isCodable="true"/></Codes></CodeBook>'
    )
    sources = ""
    if with_sources:

        def span(passage: str) -> str:
            start = ATLAS_TEXT.index(passage)
            return f'startPosition="{start}" endPosition="{start + len(passage)}"'

        def coding(number: int, code: str) -> str:
            return (
                f'<Coding guid="B1000000-0000-4000-8000-00000000000{number}" creatingUser="{ATLAS_USER}" '
                f'creationDateTime="2023-08-16T09:51:00Z"><CodeRef targetGUID="{codes[code]}"/></Coding>'
            )

        sources = (
            f'<Sources><TextSource guid="{ATLAS_SOURCE}" name="Interview 1" '
            f'plainTextPath="internal://{ATLAS_SOURCE}.txt" creatingUser="{ATLAS_USER}">'
            f'<PlainTextSelection guid="A1000000-0000-4000-8000-000000000001" name="1:1 a diagnostic" '
            f'{span("a diagnostic of the plant")} creatingUser="{ATLAS_USER}">{coding(1, "Diagnostics")}'
            "</PlainTextSelection>"
            f'<PlainTextSelection guid="A1000000-0000-4000-8000-000000000002" name="1:2 a robot" '
            f'{span(ATLAS_TRIPLE)} creatingUser="{ATLAS_USER}">'
            f"{coding(2, 'Robots')}{coding(3, 'Suppliers')}{coding(4, 'Commits')}</PlainTextSelection>"
            f'<PlainTextSelection guid="A1000000-0000-4000-8000-000000000003" name="1:3 Mostly training" '
            f'{span(ATLAS_FREE_QUOTATION)} creatingUser="{ATLAS_USER}" creationDateTime="2023-08-16T09:55:00Z">'
            "<Description>Training, not technology: compare with the RTI interviews.</Description>"
            "</PlainTextSelection></TextSource></Sources>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="atlas-project" origin="{ATLAS_ORIGIN}" '
        f'creatingUserGUID="{ATLAS_USER}" creationDateTime="2023-08-16T09:50:00Z">'
        f"{users}{codebook}{sources}</Project>"
    )


def write_atlas_like(path: Path, *, with_sources: bool = True) -> Path:
    """The ATLAS.ti-style project as a ``.qdpx`` archive."""
    members: dict[str, bytes | str] = {"project.qde": atlas_like_qde(with_sources=with_sources)}
    if with_sources:
        members[f"Sources/{ATLAS_SOURCE}.txt"] = ATLAS_TEXT
    return write_zip(path, members)


NVIVO_SOURCE = "6E0F1A22-3C4B-4D5E-8F60-718293A4B5C8"
NVIVO_CODE = "D182CD3A-D83C-4D8C-BC80-26D9103EC6D6"
#: Social-media style interview material: emoji (outside the BMP) before every coded passage.
NVIVO_TEXT = (
    "Post 1 🚀 La feria de robótica nos abrió los ojos.\n"
    "Post 2 🤖🤖 El centro tecnológico hizo el diagnóstico gratis.\n"
    "Post 3 👍 Los proveedores de maquinaria nos explicaron el sensor.\n"
    "Post 4 🏭 Sin ayuda pública no habríamos empezado.\n"
)
NVIVO_PASSAGES = (
    "La feria de robótica",
    "El centro tecnológico",
    "Los proveedores de maquinaria",
    "Sin ayuda pública",
)


def utf16_position(text: str, codepoint: int) -> int:
    """Where code point ``codepoint`` of ``text`` starts when counting UTF-16 units, as NVivo does."""
    return len(text[:codepoint].encode("utf-16-le")) // 2


def nvivo_like_qde(*, origin: str = "NVivo 12 (Windows)", utf16: bool = True) -> str:
    """An NVivo 12-style project whose selection positions count UTF-16 code units."""
    selections = []
    for number, passage in enumerate(NVIVO_PASSAGES, start=1):
        start = NVIVO_TEXT.index(passage)
        end = start + len(passage)
        if utf16:
            start, end = utf16_position(NVIVO_TEXT, start), utf16_position(NVIVO_TEXT, end)
        selections.append(
            f'<PlainTextSelection guid="C1000000-0000-4000-8000-00000000000{number}" '
            f'startPosition="{start}" endPosition="{end}" creatingUser="{ATLAS_USER}">'
            f'<Coding guid="C2000000-0000-4000-8000-00000000000{number}" creatingUser="{ATLAS_USER}">'
            f'<CodeRef targetGUID="{NVIVO_CODE}"/></Coding></PlainTextSelection>'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<Project xmlns="urn:QDA-XML:project:1.0" name="nvivo-project" origin="{origin}">'
        f'<Users><User guid="{ATLAS_USER}" name="Coder"/></Users>'
        f'<CodeBook><Codes><Code guid="{NVIVO_CODE}" name="Channels" isCodable="true"/></Codes></CodeBook>'
        f'<Sources><TextSource guid="{NVIVO_SOURCE}" name="Social media" '
        f'plainTextPath="internal://{NVIVO_SOURCE}.txt">{"".join(selections)}</TextSource></Sources></Project>'
    )


def write_nvivo_like(path: Path, **options: object) -> Path:
    """The NVivo-style project as a ``.qdpx`` archive."""
    return write_zip(
        path,
        {"project.qde": nvivo_like_qde(**options), f"Sources/{NVIVO_SOURCE}.txt": NVIVO_TEXT},  # type: ignore[arg-type]
    )


def write_maxqda_like(path: Path) -> Path:
    """A MAXQDA-style archive: named ``.zip``, lower-case ``sources/``, an empty ``.root/`` folder.

    It also carries a note, a set, a link and PDF and picture region codings,
    which have their own tables.
    """
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="maxqda-project" origin="MAXQDA 2022 (Release 22.4.0)">'
        f'<Users><User guid="{ATLAS_USER}" name="Coder"/></Users>'
        f'<CodeBook><Codes><Code guid="{NVIVO_CODE}" name="Channels" isCodable="true"/></Codes></CodeBook>'
        f'<Sources><TextSource guid="{ATLAS_SOURCE}" name="Interview 1" '
        f'plainTextPath="internal://{ATLAS_SOURCE}.txt">'
        f'<PlainTextSelection guid="E1000000-0000-4000-8000-000000000001" startPosition="0" endPosition="11" '
        f'creatingUser="{ATLAS_USER}"><Coding guid="E2000000-0000-4000-8000-000000000001">'
        f'<CodeRef targetGUID="{NVIVO_CODE}"/></Coding></PlainTextSelection></TextSource>'
        '<PDFSource guid="E3000000-0000-4000-8000-000000000001" name="Programme leaflet" '
        'path="internal://leaflet.pdf"><PDFSelection guid="E4000000-0000-4000-8000-000000000001" page="2" '
        'firstX="10" firstY="20" secondX="300" secondY="140"><Coding guid="E5000000-0000-4000-8000-000000000001">'
        f'<CodeRef targetGUID="{NVIVO_CODE}"/></Coding></PDFSelection></PDFSource>'
        '<PictureSource guid="E3000000-0000-4000-8000-000000000002" name="Shop floor" path="internal://floor.jpg">'
        '<PictureSelection guid="E4000000-0000-4000-8000-000000000002" firstX="5" firstY="6" secondX="50" '
        'secondY="60"><Description>The new cobot</Description></PictureSelection></PictureSource></Sources>'
        '<Notes><Note guid="E6000000-0000-4000-8000-000000000001" name="Memo on channels">'
        "<PlainTextContent>Suppliers matter more than events here.</PlainTextContent></Note></Notes>"
        '<Links><Link guid="E7000000-0000-4000-8000-000000000001" name="explains" direction="OneWay" '
        f'originGUID="E6000000-0000-4000-8000-000000000001" targetGUID="{NVIVO_CODE}"/></Links>'
        '<Sets><Set guid="E8000000-0000-4000-8000-000000000001" name="Toy Valley interviews">'
        f'<MemberSource targetGUID="{ATLAS_SOURCE}"/>'
        '<MemberSource targetGUID="E3000000-0000-4000-8000-000000000001"/></Set></Sets>'
        "</Project>"
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(".root/", b"")  # the empty folder MAXQDA leaves in its archives
        archive.writestr("project.qde", qde)
        archive.writestr(f"sources/{ATLAS_SOURCE}.txt", "Robots came first, then training.\n")
        archive.writestr("sources/leaflet.pdf", b"%PDF-1.4\n%%EOF\n")
        archive.writestr("sources/floor.jpg", b"\xff\xd8\xff\xd9")
    return path
