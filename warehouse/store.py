"""Build a warehouse into a staging file, then publish it atomically so readers never see half a run."""

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb
import polars as pl

from warehouse.settings import sidecar

# Parents first: the order rows are deleted in reverse and inserted in.
TABLES = (
    "articles",
    "article_sources",
    "people",
    "person_aliases",
    "mentions",
    "quotes",
    "temporal_expressions",
    "events",
    "file_state",
    "quarantine",
    "runs",
    "validations",
)


class WarehouseBusy(RuntimeError):
    """Another wirehouse run holds this warehouse's lock."""


def schema_sql() -> list[str]:
    """The schema files of warehouse/sql, in name order."""
    folder = resources.files("warehouse") / "sql"
    return [f.read_text(encoding="utf-8") for f in sorted(folder.iterdir(), key=lambda f: f.name)
            if f.name.endswith(".sql")]


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and view that is missing (idempotent)."""
    for script in schema_sql():
        con.execute(script)


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> int:
    """Bulk-insert a polars frame by column name through Arrow; returns the row count."""
    if frame.height == 0:
        return 0
    con.register("incoming", frame.to_arrow())
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
    finally:
        con.unregister("incoming")
    return frame.height


def read_table(warehouse: Path, table: str) -> pl.DataFrame | None:
    """A table of the published warehouse as a frame, or None when there is no warehouse or table yet."""
    if not warehouse.exists():
        return None
    with duckdb.connect(str(warehouse), read_only=True) as con:
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
        ).fetchone()[0]
        return con.table(table).pl() if exists else None


@contextmanager
def staging_copy(warehouse: Path, *, fresh: bool) -> Iterator[Path]:
    """A private copy of the warehouse to build into; removed again unless it was published."""
    staging = sidecar(warehouse, ".staging")
    staging.unlink(missing_ok=True)
    if warehouse.exists() and not fresh:
        shutil.copyfile(warehouse, staging)
    try:
        yield staging
    finally:
        staging.unlink(missing_ok=True)
        sidecar(staging, ".wal").unlink(missing_ok=True)


def publish(staging: Path, warehouse: Path) -> None:
    """Atomically swap the finished staging file in: readers see the old file or the new, never a mix."""
    with open(staging, "rb") as f:
        os.fsync(f.fileno())
    os.replace(staging, warehouse)


@contextmanager
def writer_lock(warehouse: Path) -> Iterator[None]:
    """Hold the warehouse's write lock; a second writer is refused with a clear message."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    lock_path = sidecar(warehouse, ".lock")
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseBusy(
                f"another wirehouse run is writing {warehouse} (lock {lock_path}); try again when it ends"
            ) from None
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
