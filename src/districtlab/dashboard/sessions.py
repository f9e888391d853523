"""A workshop's session on disk: its designs (a library of named designs per district), settings and
finished comparisons, in one SQLite file per workshop. Pure: no Streamlit.

The file lives in the user's data folder (``platformdirs``), or in the folder
named by ``DISTRICTLAB_SESSION_DIR`` (tests, shared machines). A session file
can be exported (its bytes) and imported; an imported file is treated as
hostile: its size is bounded, it must be a SQLite database with exactly this
schema, every design must validate as a scenario, every stored file name must
be a plain relative name, and every comparison must load; otherwise nothing is
imported and one line says what is wrong.

Finished comparisons are stored as the files of their experiment directory
(:class:`districtlab.experiments.store.ExperimentStore`), and restored into a
folder beside the session file, so that a restored result is exactly what was
run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import ValidationError

from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.experiments import ExperimentResult
from districtlab.experiments.store import ExperimentStore

#: Environment variable naming the folder of session files (overrides the user's data folder).
SESSION_DIR_ENV = "DISTRICTLAB_SESSION_DIR"
FORMAT = "districtlab-session/1"
#: Largest session file an import accepts (comparisons of a workshop are a few MB each).
MAX_IMPORT_BYTES = 256 * 1024 * 1024
_SQLITE_MAGIC = b"SQLite format 3\x00"
_WORKSHOP_NAME = re.compile(r"^[\w][\w .-]{0,63}$")
_FILE_NAME = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")
_KEY = re.compile(r"^[0-9a-f]{16,64}$")
_SCHEMA = {
    "meta": ["key", "value"],
    "designs": ["source_key", "district", "name", "scenario", "saved_at"],
    "settings": ["key", "value"],
    "results": ["request_key", "saved_at", "last"],
    "result_files": ["request_key", "name", "data"],
}
_CREATE = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS designs (
    source_key TEXT NOT NULL, district TEXT NOT NULL, name TEXT NOT NULL, scenario TEXT NOT NULL,
    saved_at TEXT NOT NULL, PRIMARY KEY (source_key, name));
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (request_key TEXT PRIMARY KEY, saved_at TEXT NOT NULL, last INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS result_files (
    request_key TEXT NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (request_key, name));
"""


def session_folder() -> Path:
    """Where session files live: ``$DISTRICTLAB_SESSION_DIR`` or the user's data folder."""
    override = os.environ.get(SESSION_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir("districtlab")) / "sessions"


def check_workshop_name(name: str) -> str:
    """A workshop's name as a file name: letters, digits, spaces, dots, dashes; at most 64 characters."""
    name = name.strip()
    if not _WORKSHOP_NAME.fullmatch(name) or name.startswith("."):
        raise InputError(
            f"workshop name {name!r}: use letters, digits, spaces, '.', '-' or '_' (at most 64 characters)"
        )
    return name


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SessionStore:
    """One workshop's session file.

    Parameters
    ----------
    path
        The SQLite file (created with its parent folder when missing).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as connection:
            connection.executescript(_CREATE)
            connection.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))

    @classmethod
    def for_workshop(cls, workshop: str) -> SessionStore:
        """The session file of ``workshop`` in :func:`session_folder`."""
        return cls(session_folder() / f"{check_workshop_name(workshop)}.sqlite")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path)
        try:
            with connection:  # one transaction: all or nothing
                yield connection
        finally:
            connection.close()

    # --- designs: the library of named designs per district ---------------------------------

    def save_design(self, source_key: str, district: str, name: str, scenario: Scenario) -> None:
        with self._connect() as connection:
            connection.execute(
                "INSERT OR REPLACE INTO designs VALUES (?, ?, ?, ?, ?)",
                (source_key, district, name, scenario.model_dump_json(), _now()),
            )

    def delete_design(self, source_key: str, name: str) -> None:
        with self._connect() as connection:
            connection.execute("DELETE FROM designs WHERE source_key = ? AND name = ?", (source_key, name))

    def designs(self) -> dict[str, dict[str, str]]:
        """Scenario JSON of every saved design: source key -> design name -> JSON."""
        library: dict[str, dict[str, str]] = {}
        with self._connect() as connection:
            for source_key, name, text in connection.execute(
                "SELECT source_key, name, scenario FROM designs ORDER BY saved_at, name"
            ):
                library.setdefault(source_key, {})[name] = text
        return library

    def library(self) -> list[tuple[str, str, str]]:
        """(district, design name, saved at) of every saved design, by district."""
        with self._connect() as connection:
            return list(
                connection.execute("SELECT district, name, saved_at FROM designs ORDER BY district, name")
            )

    # --- settings -----------------------------------------------------------------------------

    def save_settings(self, settings: Mapping[str, Any]) -> None:
        with self._connect() as connection:
            connection.executemany(
                "INSERT OR REPLACE INTO settings VALUES (?, ?)",
                [(key, json.dumps(value)) for key, value in settings.items()],
            )

    def settings(self) -> dict[str, Any]:
        with self._connect() as connection:
            return {
                key: json.loads(value) for key, value in connection.execute("SELECT key, value FROM settings")
            }

    # --- finished comparisons -----------------------------------------------------------------

    def save_result(self, request_key: str, result: ExperimentResult, *, last: bool = False) -> None:
        """Store a finished comparison's experiment directory (nothing when it is stored already)."""
        if not _KEY.fullmatch(request_key):
            raise InputError(f"comparison key {request_key!r} is not a hexadecimal digest")
        with self._connect() as connection:
            if last:
                connection.execute("UPDATE results SET last = 0")
            known = connection.execute(
                "SELECT 1 FROM results WHERE request_key = ?", (request_key,)
            ).fetchone()
            if known:
                connection.execute(
                    "UPDATE results SET last = ? WHERE request_key = ?", (int(last), request_key)
                )
                return
            with tempfile.TemporaryDirectory() as folder:
                directory = Path(folder) / "experiment"
                with ExperimentStore.prepare(directory, result.plan) as store:
                    store.append(result.runs)
                files = [
                    (request_key, path.relative_to(directory).as_posix(), path.read_bytes())
                    for path in sorted(directory.rglob("*"))
                    if path.is_file()
                ]
            connection.execute("INSERT INTO results VALUES (?, ?, ?)", (request_key, _now(), int(last)))
            connection.executemany("INSERT INTO result_files VALUES (?, ?, ?)", files)

    def result_keys(self) -> list[tuple[str, bool]]:
        """(comparison key, whether it is the last one) of every stored comparison, oldest first."""
        with self._connect() as connection:
            rows = connection.execute("SELECT request_key, last FROM results ORDER BY saved_at, request_key")
            return [(key, bool(last)) for key, last in rows]

    def result(self, request_key: str) -> ExperimentResult:
        """A stored comparison, restored into ``<session file>.results/<key>`` beside the session file."""
        if not _KEY.fullmatch(request_key):
            raise InputError(f"comparison key {request_key!r} is not a hexadecimal digest")
        target = self.path.with_suffix(".results") / request_key
        if not target.is_dir():
            with self._connect() as connection:
                files = list(
                    connection.execute(
                        "SELECT name, data FROM result_files WHERE request_key = ?", (request_key,)
                    )
                )
            if not files:
                raise InputError(f"{self.path.name}: no stored comparison {request_key[:12]}")
            staging = Path(tempfile.mkdtemp(dir=self.path.parent, prefix=".restore-"))
            try:
                for name, data in files:
                    _check_file_name(name)
                    destination = staging / name
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    destination.write_bytes(data)
                target.parent.mkdir(parents=True, exist_ok=True)
                staging.rename(target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        return ExperimentResult.load(target)

    # --- export and import --------------------------------------------------------------------

    def export_bytes(self) -> bytes:
        """The whole session as one SQLite file (a consistent copy, also while the lab writes)."""
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "session.sqlite"
            source = sqlite3.connect(self.path)
            target = sqlite3.connect(copy)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
            return copy.read_bytes()

    def import_bytes(self, data: bytes, source: str = "session file") -> tuple[int, int]:
        """Merge an exported session into this one; returns (designs, comparisons) imported.

        Raises
        ------
        InputError
            One line naming what is wrong; nothing is imported then.
        """
        if len(data) > MAX_IMPORT_BYTES:
            raise InputError(f"{source}: larger than {MAX_IMPORT_BYTES // 2**20} MB, not a workshop session")
        if not data.startswith(_SQLITE_MAGIC):
            raise InputError(f"{source}: not a districtlab session file (not an SQLite database)")
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "import.sqlite"
            copy.write_bytes(data)
            incoming = _read_session(copy, source)
            target = Path(folder) / "check"
            for key, files in incoming["results"].items():  # every comparison must load before any is kept
                directory = target / key
                for name, blob in files:
                    (directory / name).parent.mkdir(parents=True, exist_ok=True)
                    (directory / name).write_bytes(blob)
                try:
                    ExperimentResult.load(directory).outcomes()
                except Exception as error:
                    raise InputError(f"{source}: comparison {key[:12]} does not load ({error})") from None
        with self._connect() as connection:
            connection.executemany(
                "INSERT OR REPLACE INTO designs VALUES (?, ?, ?, ?, ?)", incoming["designs"]
            )
            connection.executemany("INSERT OR REPLACE INTO settings VALUES (?, ?)", incoming["settings"])
            for key, files in incoming["results"].items():
                connection.execute("INSERT OR IGNORE INTO results VALUES (?, ?, 0)", (key, _now()))
                connection.executemany(
                    "INSERT OR IGNORE INTO result_files VALUES (?, ?, ?)",
                    [(key, name, blob) for name, blob in files],
                )
        return len(incoming["designs"]), len(incoming["results"])


def _check_file_name(name: str) -> None:
    if not isinstance(name, str) or not _FILE_NAME.fullmatch(name) or ".." in name.split("/"):
        raise InputError(f"stored file name {name!r} is not a plain relative name")


def _read_session(path: Path, source: str) -> dict[str, Any]:
    """Everything in an imported session file, validated; InputError with one line otherwise."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise InputError(f"{source}: cannot be opened as a session ({error})") from None
    try:
        if connection.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise InputError(f"{source}: the database is damaged")
        for table, columns in _SCHEMA.items():
            found = [
                row[1] for row in connection.execute(f"PRAGMA table_info({table})")
            ]  # names from _SCHEMA only
            if found != columns:
                raise InputError(
                    f"{source}: not a districtlab session file (table {table!r} missing or changed)"
                )
        version = connection.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        if version != (FORMAT,):
            raise InputError(f"{source}: session format {version and version[0]!r}, expected {FORMAT!r}")
        designs = []
        for source_key, district, name, text, saved_at in connection.execute("SELECT * FROM designs"):
            if not all(isinstance(value, str) for value in (source_key, district, name, text, saved_at)):
                raise InputError(f"{source}: a design row holds values that are not text")
            try:
                Scenario.model_validate_json(text)
            except ValidationError as error:
                raise InputError(
                    f"{source}: design {name!r} is not a valid scenario ({error.errors()[0]['msg']})"
                ) from None
            designs.append((source_key, district, name, text, saved_at))
        settings = []
        for key, value in connection.execute("SELECT key, value FROM settings"):
            try:
                json.loads(value)
            except (TypeError, ValueError):
                raise InputError(f"{source}: setting {key!r} is not JSON") from None
            settings.append((key, value))
        results: dict[str, list[tuple[str, bytes]]] = {}
        for key, name, blob in connection.execute("SELECT request_key, name, data FROM result_files"):
            if not isinstance(key, str) or not _KEY.fullmatch(key):
                raise InputError(f"{source}: a comparison key is not a hexadecimal digest")
            _check_file_name(name)
            if not isinstance(blob, bytes):
                raise InputError(f"{source}: a stored file of comparison {key[:12]} is not binary data")
            results.setdefault(key, []).append((name, blob))
        return {"designs": designs, "settings": settings, "results": results}
    except sqlite3.DatabaseError as error:
        raise InputError(f"{source}: not a readable session file ({error})") from None
    finally:
        connection.close()
