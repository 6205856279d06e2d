"""The rows a changed run works on, kept out of memory: new extraction batches spilled as Parquet,
plus the kept articles' rows of the published warehouse, read back one batch of articles at a time."""

import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
import polars as pl

from warehouse import store

ROW_ORDER = {"articles": ["article_id"], "quotes": ["article_id", "start_char", "kind"]}
"""Each table's row order within a batch of kept rows; the rest: article_id, start_char."""


def spill(folder: Path, batch: int, tables: dict[str, pl.DataFrame]) -> None:
    """Write one extraction batch: `folder/<table>/<batch>.parquet`."""
    for table, frame in tables.items():
        (folder / table).mkdir(parents=True, exist_ok=True)
        frame.write_parquet(folder / table / f"{batch:06d}.parquet", compression="lz4")  # fast, and temporary


KEPT = "kept"
"""The part folder of the spill that holds the kept articles' rows of the last warehouse."""


class Tables:
    """The per-article tables of a changed run, all as Parquet under the spill folder (the kept rows of the
    last warehouse copied beside the extracted batches), read whole through DuckDB views (`frame`) or one
    batch of articles at a time (`batches`)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, spilled: Path):
        self.con = con
        self.spilled = spilled

    def frame(self, sql: str) -> pl.DataFrame:
        """The result of a query over the views, as a polars frame."""
        return self.con.sql(sql).pl()

    def batches(self, tables: tuple[str, ...]) -> Iterator[dict[str, pl.DataFrame]]:
        """The tables' rows a batch at a time: the kept articles first, then each spilled batch as
        extraction wrote it."""
        yield from spilled_batches(self.spilled, tables)

    def kept_batches(self, tables: tuple[str, ...]) -> Iterator[dict[str, pl.DataFrame]]:
        """The kept articles' rows of the last warehouse, a batch of articles at a time in article_id order."""
        yield from spilled_batches(self.spilled / KEPT, tables)

    def close(self) -> None:
        """Release DuckDB (and with it any hold on the files it read)."""
        self.con.close()

    def __enter__(self) -> "Tables":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def row_order(table: str) -> list[str]:
    """The columns that order a table's rows within a batch."""
    return ROW_ORDER.get(table, ["article_id", "start_char"])


def workspace(spilled: Path, tables: tuple[str, ...], previous: Path | None, kept_ids: pl.Series,
              restore: dict[str, dict[str, str]], batch_articles: int) -> Tables:
    """Per-article tables as views over every batch spilled under `spilled` (in `spilled/<part>/<table>/`),
    after copying the kept articles' rows of the previous warehouse there (`copy_kept`)."""
    con = store.connect()
    con.execute(f"SET temp_directory = '{(spilled / 'duckdb.tmp').as_posix()}'")
    if previous is not None and kept_ids.len():
        schemas = {table: pl.scan_parquet(spilled / "*" / table / "*.parquet").collect_schema() for table in tables}
        copy_kept(con, previous, kept_ids, schemas, restore, spilled / KEPT, batch_articles)
    for table in tables:
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{spilled.as_posix()}/*/{table}/*.parquet')")
    return Tables(con, spilled)


def copy_kept(con: duckdb.DuckDBPyConnection, previous: Path, kept_ids: pl.Series, schemas: dict[str, pl.Schema],
              restore: dict[str, dict[str, str]], folder: Path, batch_articles: int) -> None:
    """Spill the kept articles' rows of the `previous` warehouse into `folder`, `batch_articles` articles a
    batch in article_id order, as if just extracted: the spilled columns and types, each `restore`d column
    ({table: {column: column holding its extracted value}}) read from where its value was kept.

    One pass over each table, split by batch as DuckDB reads it, then sorted a batch at a time: a query per
    batch scanned the whole table each time, and one sorted query ran out of DuckDB's memory on the bodies
    at 100 000 articles (streaming the rows out and splitting them in polars held more memory).
    """
    con.register("kept", pl.DataFrame({"article_id": kept_ids.unique()}).to_arrow())
    con.execute(f"ATTACH '{previous.as_posix()}' AS previous (READ_ONLY)")
    con.execute("CREATE TEMP TABLE kept_batch AS SELECT article_id, "
                f"(row_number() OVER (ORDER BY article_id) - 1) // {int(batch_articles)} AS batch FROM kept")
    count = con.execute("SELECT coalesce(max(batch) + 1, 0) FROM kept_batch").fetchall()[0][0]
    for table, schema in schemas.items():
        source = restore.get(table, {})
        columns = ", ".join(f'"{source.get(name, name)}" AS "{name}"' for name in schema)
        partitioned = folder / "partitioned" / table
        partitioned.parent.mkdir(parents=True, exist_ok=True)
        con.execute(  # split by batch as it is read, within DuckDB's memory budget
            f"COPY (SELECT {columns}, batch FROM previous.{table} JOIN kept_batch USING (article_id)) "
            f"TO '{partitioned.as_posix()}' (FORMAT parquet, PARTITION_BY (batch), COMPRESSION lz4)"
        )
        for number in range(count):  # a batch of articles without rows of this table still gets its file
            files = sorted((partitioned / f"batch={number}").glob("*.parquet"))
            batch = pl.read_parquet(files).drop("batch", strict=False) if files else pl.DataFrame(schema=schema)
            spill(folder, number, {table: batch.cast(schema).sort(row_order(table), maintain_order=True)})
        shutil.rmtree(partitioned)
    (folder / "partitioned").rmdir()
    con.execute("DETACH previous")


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
