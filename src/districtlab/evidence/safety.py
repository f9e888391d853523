"""Guards for untrusted archives and XML.

QDA projects arrive as zip archives (``.qdpx``) holding XML (``project.qde``)
and source files, often from collaborators or public repositories. Everything
that opens them goes through this module: zip members are checked for path
traversal, symbolic links, encryption, count, expanded size and compression
ratio (every member, whatever its size) before any is read; members are then
decompressed in chunks against a running byte budget, so that a header that
lies about sizes cannot expand past the limits; a corrupt member (bad CRC,
broken deflate stream) is an input error. XML is parsed with :mod:`defusedxml`,
which refuses entity declarations (billion laughs), external entities, and
here also a DOCTYPE naming an external DTD (file disclosure, server-side
requests; nothing is ever fetched). Every violation raises
:class:`~districtlab.errors.InputError` with one line naming the file, the
member and the problem.

The limits are module constants so that they are visible and documented; they
are read at call time, so a caller (or a test) may lower them.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as SafeElementTree

from districtlab.errors import InputError

#: At most this many members in one archive. A REFI project holds one ``.qde``
#: plus one file per source: ten thousand is far beyond any interview study,
#: while a crafted archive with millions of entries exhausts memory on listing.
MAX_ARCHIVE_MEMBERS = 10_000

#: At most this many bytes once every member is expanded. Projects may embed
#: audio and video sources, so the cap is generous; beyond it, it is not a QDA
#: project but an attempt to fill the disk or memory.
MAX_UNCOMPRESSED_BYTES = 4 * 1024**3

#: Every member may expand at most this many times its compressed size.
#: Transcripts compress 3-10 fold and XML up to about 30 fold, whereas
#: zero-filled zip bombs expand about 1000 fold.
MAX_COMPRESSION_RATIO = 200

#: The compressed size counted for the ratio is at least this: a member of a few
#: bytes (an empty source, a short XML) legitimately reaches extreme ratios, and
#: this floor lets it expand to at most ``MAX_COMPRESSION_RATIO * RATIO_FLOOR_BYTES``
#: (800 KiB) while still checking the ratio of every member.
RATIO_FLOOR_BYTES = 4 * 1024

#: At most this many bytes are read into memory from one archive, summed over
#: the members read (a ``.qde`` and its source texts; media are never read).
MAX_READ_BYTES = 1024**3

#: Decompression proceeds in chunks of this size, counted against the budgets.
READ_CHUNK_BYTES = 1024**2

_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe_member_reason(name: str) -> str | None:
    """Why a zip member name would escape the folder it is extracted to, or None.

    Backslashes count as separators, as Windows tools write and read them.
    """
    normalised = name.replace("\\", "/")
    if "\x00" in normalised:
        return "contains a NUL character"
    if normalised.startswith("/") or _WINDOWS_DRIVE.match(normalised):
        return "is an absolute path"
    if ".." in PurePosixPath(normalised).parts:
        return "climbs out of the archive folder with '..'"
    return None


def check_archive(archive: zipfile.ZipFile, path: str | Path) -> None:
    """Refuse an archive with any unsafe member, before anything is read from it.

    Raises
    ------
    InputError
        On path traversal, absolute paths, symbolic links, encrypted members,
        too many members, too many expanded bytes, or a zip-bomb compression ratio.
    """
    members = archive.infolist()
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise InputError(
            f"archive has {len(members)} members, more than the safety limit of {MAX_ARCHIVE_MEMBERS}",
            path=path,
        )
    total = 0
    for info in members:
        reason = unsafe_member_reason(info.filename)
        if reason is not None:
            raise InputError(
                f"archive member {info.filename!r} {reason} (path traversal); the archive is refused",
                path=path,
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise InputError(
                f"archive member {info.filename!r} is a symbolic link; the archive is refused",
                path=path,
            )
        if info.flag_bits & 0x1:
            raise InputError(f"archive member {info.filename!r} is encrypted; it cannot be read", path=path)
        if info.file_size > 0:
            ratio = info.file_size / max(info.compress_size, RATIO_FLOOR_BYTES)
            if ratio > MAX_COMPRESSION_RATIO:
                raise InputError(
                    f"archive member {info.filename!r} expands {ratio:.0f}-fold to {info.file_size} bytes, "
                    f"beyond the safety limit of {MAX_COMPRESSION_RATIO}-fold (zip bomb)",
                    path=path,
                )
        total += info.file_size
        if total > MAX_UNCOMPRESSED_BYTES:
            raise InputError(
                f"archive expands to more than the safety limit of {MAX_UNCOMPRESSED_BYTES} bytes (zip bomb)",
                path=path,
            )


def open_archive(path: str | Path) -> zipfile.ZipFile:
    """Open a zip archive and check it with :func:`check_archive`.

    The caller closes the returned archive (use it as a context manager).
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError) as error:
        raise InputError(f"not a readable zip archive ({error})", path=path) from None
    try:
        check_archive(archive, path)
    except BaseException:
        archive.close()
        raise
    return archive


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: str | Path) -> bytes:
    """The bytes of one checked member, decompressed in chunks against running budgets.

    A member may yield no more than its declared size (a header that lies is
    refused), and the members read from one archive together no more than
    :data:`MAX_READ_BYTES`. A bad CRC or a broken compressed stream is an
    :class:`InputError`, as is an unsupported compression method.
    """
    already = getattr(archive, "_districtlab_bytes_read", 0)
    limit = min(info.file_size, MAX_READ_BYTES - already)
    if limit < info.file_size:
        raise InputError(
            f"reading this member would take more than the safety limit of {MAX_READ_BYTES} bytes "
            "read from one archive",
            path=path,
            field=info.filename,
        )
    chunks: list[bytes] = []
    total = 0
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(READ_CHUNK_BYTES)
                if not chunk:
                    break
                total += len(chunk)
                if total > limit:
                    raise InputError(
                        f"archive member expands past its declared {info.file_size} bytes (zip bomb)",
                        path=path,
                        field=info.filename,
                    )
                chunks.append(chunk)
    except InputError:
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, ValueError) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise InputError(f"corrupt archive member ({reason})", path=path, field=info.filename) from None
    archive._districtlab_bytes_read = already + total  # type: ignore[attr-defined]
    return b"".join(chunks)


def parse_xml(data: bytes, *, path: str | Path, member: str | None = None) -> Element:
    """Parse untrusted XML, refusing entity declarations and external references.

    Raises
    ------
    InputError
        For malformed XML, any entity declaration (billion laughs), any
        external entity, or a DOCTYPE that names an external DTD (``SYSTEM``
        or ``PUBLIC``), which is refused before anything could fetch it.
    """
    try:
        try:
            return SafeElementTree.fromstring(
                data, forbid_dtd=True, forbid_entities=True, forbid_external=True
            )
        except defusedxml.DTDForbidden as doctype:
            if doctype.sysid or doctype.pubid:
                raise InputError(
                    f"XML names the external DTD {doctype.sysid or doctype.pubid!r}; external DTDs are refused "
                    "(nothing is fetched)",
                    path=path,
                    field=member,
                ) from None
            # An internal DTD subset alone is harmless; its entity declarations are still refused.
            return SafeElementTree.fromstring(
                data, forbid_dtd=False, forbid_entities=True, forbid_external=True
            )
    except defusedxml.EntitiesForbidden as error:
        if error.sysid or error.pubid:
            target = error.sysid or error.pubid
            problem = f"declares the external entity {error.name!r} ({target}); external entities are refused"
        else:
            problem = (
                f"declares the entity {error.name!r}; entity declarations are refused "
                "(entity expansion, 'billion laughs')"
            )
        raise InputError(f"XML {problem}", path=path, field=member) from None
    except defusedxml.ExternalReferenceForbidden as error:
        target = error.sysid or error.pubid
        raise InputError(
            f"XML refers to the external resource {target!r}; external references are refused",
            path=path,
            field=member,
        ) from None
    except defusedxml.DTDForbidden:
        raise InputError("XML carries a DTD, which is refused", path=path, field=member) from None
    except defusedxml.DefusedXmlException as error:
        raise InputError(f"XML refused for safety ({error})", path=path, field=member) from None
    except ParseError as error:
        line, column = error.position
        raise InputError(f"malformed XML at line {line}, column {column}", path=path, field=member) from None
