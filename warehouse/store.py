"""Build a warehouse into a staging file, then publish it atomically so readers never see half a run."""

import fcntl
import os
import shutil
from collections.abc import Iterable, Iterator
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


QUARANTINE_ROW_SCHEMA = {
    "source_name": pl.String, "reason": pl.String, "detail": pl.String, "table_name": pl.String,
    "row_key": pl.String,
}
"""Columns of a `quarantine` row before the run stamps its run_id: what ingest and the checks refuse."""

MEMORY_LIMIT_ENV = "WIREHOUSE_DUCKDB_MEMORY"
DEFAULT_MEMORY_MB = 256  # DuckDB spills data beyond this, so a run's memory does not grow with the warehouse...
INDEX_BYTES_PER_ROW = 200  # ...but not a table's key indexes while it commits: about 100 bytes a row, doubled


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


def memory_limit(indexed_rows: int = 0) -> str:
    """DuckDB's memory budget: WIREHOUSE_DUCKDB_MEMORY when set; else 256MB, or more when a commit writes
    a table of `indexed_rows` rows, whose key indexes DuckDB holds in memory until it has committed
    (a fixed 256MB failed to commit 100 000 articles in one transaction)."""
    needed_mb = -(-indexed_rows * INDEX_BYTES_PER_ROW // 1_000_000)
    return os.environ.get(MEMORY_LIMIT_ENV) or f"{max(DEFAULT_MEMORY_MB, needed_mb)}MB"


def connect(database: Path | str = ":memory:", *, read_only: bool = False,
            indexed_rows: int = 0) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with a bounded memory budget (DuckDB's default is 80 % of RAM), enough for
    committing `indexed_rows` rows of one table (`memory_limit`)."""
    config = {"memory_limit": memory_limit(indexed_rows)}
    return duckdb.connect(str(database), read_only=read_only, config=config)


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


def export_parquet(warehouse: Path, out_dir: Path) -> dict[str, Path]:
    """Write every table and view of the warehouse as one Parquet file each, for file-based BI tools."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1"
        ).fetchall()]
        for name in names:
            target = out_dir / f"{name}.parquet"
            con.execute(f"COPY (SELECT * FROM {name}) TO '{target.as_posix()}' (FORMAT parquet)")
            written[name] = target
    return written


def missing_columns(warehouse: Path) -> list[str]:
    """Columns of the current schema that the warehouse file lacks (made by an older wirehouse); [] if none."""
    query = "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'main'"
    with connect() as con:
        apply_schema(con)
        wanted = {r[0] for r in con.execute(query).fetchall()}
    with connect(warehouse, read_only=True) as con:
        present = {r[0] for r in con.execute(query).fetchall()}
    return sorted(wanted - present)


def read_tables(warehouse: Path, tables: tuple[str, ...], columns: str = "*") -> dict[str, pl.DataFrame]:
    """The named tables (those `columns` of them) of the published warehouse as frames (missing ones left out)."""
    if not warehouse.exists():
        return {}
    with connect(warehouse, read_only=True) as con:
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        return {t: con.sql(f"SELECT {columns} FROM {t}").pl() for t in tables if t in present}


def load_spilled(database: Path, spilled: Path) -> None:
    """Bulk-load the tables spilled as `spilled/<table>/*.parquet` into a fresh staging file, parents
    first, one table per transaction: DuckDB needs the key indexes of what a transaction wrote in
    memory to commit it, so this needs the largest table's, not all of them. A failed or retried load
    is safe: its staging file is never published, and a retry starts from a fresh one."""
    for stale in (Path(database), sidecar(Path(database), ".wal")):
        stale.unlink(missing_ok=True)
    with connect(database, indexed_rows=max(spilled_rows(spilled, table) for table in TABLES)) as con:
        apply_schema(con)
        for table in TABLES:
            if paths := spilled_files(spilled, table):
                listed = ", ".join(f"'{f.as_posix()}'" for f in paths)
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet([{listed}])")


def spilled_files(folder: Path, table: str) -> list[Path]:
    """The Parquet files `workspace.spill` wrote for a table under `folder`, in batch order."""
    return sorted((folder / table).glob("*.parquet"))


def spilled_rows(folder: Path, table: str) -> int:
    """How many rows `workspace.spill` wrote for a table under `folder`."""
    files = spilled_files(folder, table)
    return pl.scan_parquet(files).select(pl.len()).collect().item() if files else 0


def replace_tables(database: Path, tables: dict[str, pl.DataFrame],
                   deleted: Iterable[tuple[str, pl.DataFrame]] = ()) -> dict[str, int]:
    """Delete the `deleted` rows ((table, key columns) pairs), then replace the contents of the given
    tables (children emptied first, parents filled first); returns every table's row count."""
    doomed = sorted(((t, keys) for t, keys in deleted if t not in tables and keys.height),
                    key=lambda item: -TABLES.index(item[0]))
    with connect(database) as con:
        apply_schema(con)
        for table, keys in doomed:  # children first, each committed: DuckDB checks a parent's delete against
            delete_rows(con, table, keys)  # committed rows only. Deleting again is a no-op, so a retry is safe.
        con.begin()
        for table in reversed(TABLES):
            if table in tables:
                con.execute(f"DELETE FROM {table}")
        for table in TABLES:
            if table in tables:
                insert_frame(con, table, tables[table])
        con.commit()
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TABLES}


def delete_rows(con: duckdb.DuckDBPyConnection, table: str, keys: pl.DataFrame) -> None:
    """Delete the rows whose key columns match a row of `keys`."""
    con.register("doomed", keys.unique().to_arrow())
    try:
        match = " AND ".join(f"{table}.{c} = doomed.{c}" for c in keys.columns)
        con.execute(f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM doomed WHERE {match})")
    finally:
        con.unregister("doomed")
