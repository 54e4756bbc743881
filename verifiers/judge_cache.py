"""A persistent judge cache (SQLite, standard library) keyed by model, template, state,
reference and candidate, so reruns and repeated samples never pay twice.

The cache only saves calls, so it never fails a verification: a corrupt file is moved aside
(``judge.sqlite.corrupt-TIME``, with a warning naming both) and rebuilt, an entry that does not
read back as a verdict is dropped, and a cache that cannot be written (read-only, locked too
long) is skipped with a warning.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB


def cache_key(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def _is_corruption(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _CORRUPT_CODES
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text


def _valid_answer(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("equivalent"), bool) and (
        value.get("p_yes") is None or isinstance(value.get("p_yes"), (int, float)))


class JudgeCache:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._warned: set[str] = set()
        self.moved_aside: list[Path] = []
        with self._lock:
            self._open()

    # -- opening and recovery ------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS verdicts (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.execute("SELECT key, value FROM verdicts LIMIT 1").fetchall()
            db.commit()
        except BaseException:
            db.close()
            raise
        return db

    def _open(self) -> None:
        try:
            self._db = self._connect()
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                self._disable(f"cannot open it ({exc})")
                return
            self._move_aside(exc)
            try:
                self._db = self._connect()
            except (sqlite3.Error, OSError) as again:
                self._disable(f"cannot rebuild it ({again})")
        except OSError as exc:
            self._disable(f"cannot create it ({exc})")

    def _move_aside(self, exc: BaseException) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                with contextlib.suppress(OSError):
                    source.rename(Path(f"{aside}{suffix}"))
        self.moved_aside.append(aside)
        logger.warning("judge cache %s is corrupt (%s): moved aside to %s and rebuilt empty; verdicts are judged "
                       "again", self.path, exc, aside)

    def _disable(self, why: str) -> None:
        self._db = None
        logger.warning("judge cache %s: %s; judging without a cache", self.path, why)

    def _warn_once(self, what: str, exc: BaseException) -> None:
        if what not in self._warned:
            self._warned.add(what)
            logger.warning("judge cache %s: %s (%s); going on without it for these entries", self.path, what, exc)

    def _recover(self, exc: sqlite3.Error, what: str) -> None:
        """Corruption found while in use: move the file aside and start a new one."""
        if _is_corruption(exc):
            self._move_aside(exc)
            self._open()
        else:
            self._warn_once(what, exc)

    # -- entries -------------------------------------------------------------------------------
    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            if self._db is None:
                return None
            try:
                row = self._db.execute("SELECT value FROM verdicts WHERE key = ?", (key,)).fetchone()
            except sqlite3.Error as exc:
                self._recover(exc, "cannot read")
                return None
            if row is None:
                return None
            try:
                value = json.loads(row[0])
            except (ValueError, TypeError):
                value = None
            if not _valid_answer(value):
                logger.warning("judge cache %s: an entry does not read back as a verdict (%.80r): dropped, judged "
                               "again", self.path, row[0])
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("DELETE FROM verdicts WHERE key = ?", (key,))
                    self._db.commit()
                return None
            return value

    def put(self, key: str, value: dict[str, Any]) -> None:
        with self._lock:
            if self._db is None:
                return
            try:
                self._db.execute("INSERT OR REPLACE INTO verdicts (key, value) VALUES (?, ?)",
                                 (key, json.dumps(value)))
                self._db.commit()
            except sqlite3.Error as exc:
                self._recover(exc, "cannot write")

    def __len__(self) -> int:
        with self._lock:
            if self._db is None:
                return 0
            try:
                return int(self._db.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0])
            except sqlite3.Error:
                return 0

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
