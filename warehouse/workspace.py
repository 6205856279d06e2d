"""The rows a changed run works on, kept out of memory: new extraction batches spilled as Parquet,
plus the kept articles' rows of the published warehouse, read back one batch of articles at a time."""

from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
import polars as pl

from warehouse import store

ROW_ORDER = {"articles": "article_id", "quotes": "article_id, start_char, kind"}
"""Each table's row order within a batch of kept rows; the rest: article_id, start_char."""


def spill(folder: Path, batch: int, tables: dict[str, pl.DataFrame]) -> None:
    """Write one extraction batch: `folder/<table>/<batch>.parquet`."""
    for table, frame in tables.items():
        (folder / table).mkdir(parents=True, exist_ok=True)
        frame.write_parquet(folder / table / f"{batch:06d}.parquet", compression="lz4")  # fast, and temporary


class Tables:
    """The per-article tables of a changed run (the kept rows of the last warehouse + the spilled batches),
    read whole through DuckDB views (`frame`) or one batch of articles at a time (`batches`)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, spilled: Path, schemas: dict[str, pl.Schema] | None,
                 kept_columns: dict[str, str]):
        self.con = con
        self.spilled = spilled
        self.schemas = schemas  # each table's spilled columns and types; None: there is no previous warehouse
        self.kept_columns = kept_columns  # each table's select list over the previous warehouse

    def frame(self, sql: str) -> pl.DataFrame:
        """The result of a query over the views, as a polars frame."""
        return self.con.sql(sql).pl()

    def batches(self, size: int, tables: tuple[str, ...]) -> Iterator[dict[str, pl.DataFrame]]:
        """The tables' rows a batch at a time: the kept articles of the last warehouse `size` at a time,
        then each spilled batch as extraction wrote it (so no batch needs a scan of every row)."""
        yield from self.kept_batches(size, tables)
        yield from spilled_batches(self.spilled, tables)

    def kept_batches(self, size: int, tables: tuple[str, ...]) -> Iterator[dict[str, pl.DataFrame]]:
        """The kept articles' rows of the last warehouse, `size` articles at a time in article_id order."""
        if self.schemas is None:
            return
        self.con.execute("CREATE OR REPLACE TEMP TABLE kept_batch AS SELECT article_id, "
                         f"(row_number() OVER (ORDER BY article_id) - 1) // {int(size)} AS batch FROM kept")
        count = self.con.execute("SELECT coalesce(max(batch) + 1, 0) FROM kept_batch").fetchall()[0][0]
        for batch in range(count):
            yield {table: self.frame(
                f"SELECT {self.kept_columns[table]} FROM previous.{table} SEMI JOIN (SELECT article_id FROM "
                f"kept_batch WHERE batch = {batch}) USING (article_id) ORDER BY {row_order(table)}"
            ).cast(self.schemas[table]) for table in tables}  # the types of the spilled rows

    def close(self) -> None:
        """Release DuckDB (and with it any hold on the files it read)."""
        self.con.close()

    def __enter__(self) -> "Tables":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def row_order(table: str) -> str:
    """The ORDER BY of a table's rows within a batch."""
    return ROW_ORDER.get(table, "article_id, start_char")


def workspace(spilled: Path, tables: tuple[str, ...], previous: Path | None, kept_ids: pl.Series,
              restore: dict[str, dict[str, str]]) -> Tables:
    """Per-article tables as views: the kept articles' rows of the previous warehouse + every batch spilled
    under `spilled` (in `spilled/<part>/<table>/`). The kept rows take the spilled columns, each `restore`d
    column ({table: {column: column holding its extracted value}}) read from where its value was kept."""
    con = store.connect()
    con.execute(f"SET temp_directory = '{(spilled / 'duckdb.tmp').as_posix()}'")
    con.register("kept", pl.DataFrame({"article_id": kept_ids.unique()}).to_arrow())
    if previous is not None:
        con.execute(f"ATTACH '{previous.as_posix()}' AS previous (READ_ONLY)")
    schemas, kept_columns = {}, {}
    for table in tables:
        files = f"{spilled.as_posix()}/*/{table}/*.parquet"
        schemas[table] = pl.scan_parquet(files).collect_schema()
        source = restore.get(table, {})
        kept_columns[table] = ", ".join(f'"{source.get(name, name)}" AS "{name}"' for name in schemas[table])
        new = f"SELECT * FROM read_parquet('{files}')"
        old = (f"SELECT {kept_columns[table]} FROM previous.{table} "
               "WHERE article_id IN (SELECT article_id FROM kept)" if previous is not None else None)
        con.execute(f"CREATE VIEW {table} AS " + (f"{old} UNION ALL {new}" if old else new))
    return Tables(con, spilled, schemas if previous is not None else None, kept_columns)


def spilled_batches(folder: Path, tables: tuple[str, ...]) -> Iterator[dict[str, pl.DataFrame]]:
    """The batches `spill` wrote under `folder` (directly, or in its part folders), one dict of the given
    tables per batch, in path order."""
    for first in sorted(folder.glob(f"**/{tables[0]}/*.parquet")):
        yield {table: pl.read_parquet(first.parent.parent / table / first.name) for table in tables}


def grouped(batches: Iterable[dict[str, pl.DataFrame]], size: int) -> Iterator[dict[str, pl.DataFrame]]:
    """Consecutive batches joined into batches of at least `size` rows of their first table (the last
    one may be smaller), for steps that pay a fixed cost per batch."""
    pending: list[dict[str, pl.DataFrame]] = []
    for batch in batches:
        pending.append(batch)
        if sum(next(iter(b.values())).height for b in pending) >= size:
            yield {table: pl.concat([b[table] for b in pending]) for table in batch}
            pending = []
    if pending:
        yield {table: pl.concat([b[table] for b in pending]) for table in pending[0]}
