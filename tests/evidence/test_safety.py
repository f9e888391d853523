"""Hostile archives and XML are refused with one clear line, and nothing is written."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from districtlab.cli.evidence import evidence_app
from districtlab.errors import InputError
from districtlab.evidence import read_project, read_qda, read_taguette, safety

from ._builders import write_zip

MINIMAL = '<?xml version="1.0"?><Project xmlns="urn:QDA-XML:project:1.0" name="p"/>'

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Project [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Project [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&secret;"/>"""


def one_line_error(action) -> str:
    with pytest.raises(InputError) as error:
        action()
    message = str(error.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("member", "reason"),
    [
        ("../evil.txt", "climbs out of the archive folder"),
        ("Sources/../../evil.txt", "climbs out of the archive folder"),
        ("..\\..\\evil.txt", "climbs out of the archive folder"),
        ("/etc/cron.d/evil", "is an absolute path"),
        ("C:/Windows/evil.dll", "is an absolute path"),
    ],
)
def test_zip_slip_is_refused(tmp_path: Path, member: str, reason: str) -> None:
    archive = write_zip(tmp_path / "slip.qdpx", {"project.qde": MINIMAL, member: "pwned"})
    message = one_line_error(lambda: read_project(archive))
    assert reason in message
    assert "path traversal" in message
    assert "slip.qdpx" in message


def test_symbolic_link_member_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "link.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", MINIMAL)
        link = zipfile.ZipInfo("Sources/passwd.txt")
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
    assert "symbolic link" in one_line_error(lambda: read_project(path))


def test_zip_bomb_by_compression_ratio_is_refused(tmp_path: Path) -> None:
    archive = write_zip(
        tmp_path / "bomb.qdpx", {"project.qde": MINIMAL, "Sources/zeros.txt": bytes(32 * 1024**2)}
    )
    message = one_line_error(lambda: read_project(archive))
    assert "zip bomb" in message
    assert "Sources/zeros.txt" in message


def test_zip_bomb_by_total_size_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Random-looking text does not compress, so only the total-size cap can catch it.
    archive = write_zip(
        tmp_path / "big.qdpx", {"project.qde": MINIMAL, "Sources/a.txt": bytes(range(256)) * 64}
    )
    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED_BYTES", 10_000)
    message = one_line_error(lambda: read_project(archive))
    assert "more than the safety limit of 10000 bytes" in message


def test_too_many_members_is_refused(tmp_path: Path) -> None:
    members: dict[str, bytes | str] = {"project.qde": MINIMAL}
    members.update({f"Sources/{number}.txt": b"" for number in range(safety.MAX_ARCHIVE_MEMBERS)})
    archive = write_zip(tmp_path / "many.qdpx", members)
    assert f"more than the safety limit of {safety.MAX_ARCHIVE_MEMBERS}" in one_line_error(
        lambda: read_project(archive)
    )


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "laughs.qdpx", {"project.qde": BILLION_LAUGHS})
    message = one_line_error(lambda: read_project(archive))
    assert "declares the entity 'lol'" in message
    assert "billion laughs" in message
    assert "project.qde" in message


def test_external_entity_is_refused(tmp_path: Path) -> None:
    (tmp_path / "project.qde").write_text(EXTERNAL_ENTITY, encoding="utf-8")
    message = one_line_error(lambda: read_project(tmp_path / "project.qde"))
    assert "external entity 'secret' (file:///etc/passwd)" in message


def test_hostile_spreadsheet_is_checked_before_it_is_opened(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "highlights.xlsx", {"[Content_Types].xml": "<x/>", "../../evil": "x"})
    assert "path traversal" in one_line_error(lambda: read_taguette(archive))
    assert "path traversal" in one_line_error(lambda: read_qda(archive))


def test_malformed_xml_names_line_and_column(tmp_path: Path) -> None:
    archive = write_zip(tmp_path / "bad.qdpx", {"project.qde": "<Project name='p'>\n<Users>"})
    assert "malformed XML at line 2" in one_line_error(lambda: read_project(archive))


@pytest.mark.parametrize("hostile", ["slip", "bomb", "laughs", "external"])
def test_cli_refuses_hostile_archives_with_exit_2_and_writes_nothing(tmp_path: Path, hostile: str) -> None:
    members: dict[str, bytes | str] = {
        "slip": {"project.qde": MINIMAL, "../evil.txt": "x"},
        "bomb": {"project.qde": MINIMAL, "Sources/zeros.txt": bytes(32 * 1024**2)},
        "laughs": {"project.qde": BILLION_LAUGHS},
        "external": {"project.qde": EXTERNAL_ENTITY},
    }[hostile]
    archive = write_zip(tmp_path / f"{hostile}.qdpx", members)
    out = tmp_path / "out"
    result = CliRunner().invoke(evidence_app, ["import", str(archive), "--out", str(out)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert f"{hostile}.qdpx" in lines[0]
    assert "Traceback" not in result.output
    assert not out.exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == [f"{hostile}.qdpx"]
