"""The rows a changed run works on, kept out of memory: new extraction batches spilled as Parquet,
plus the kept articles' rows of the published warehouse, read back one batch of articles at a time."""

from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl

from warehouse import store

ROW_ORDER = {"articles": "article_id", "quotes": "article_id, start_char, kind"}
"""Each table's row order within a batch (the order extraction gives); the rest: article_id, start_char."""


def spill(folder: Path, batch: int, tables: dict[str, pl.DataFrame]) -> None:
    """Write one extraction batch: `folder/<table>/<batch>.parquet`."""
    for table, frame in tables.items():
        (folder / table).mkdir(parents=True, exist_ok=True)
        frame.write_parquet(folder / table / f"{batch:06d}.parquet")


class Tables:
    """Tables of one DuckDB connection, read whole (`frame`) or one batch of articles at a time (`batches`)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def frame(self, sql: str) -> pl.DataFrame:
        """The result of a query, as a polars frame."""
        return self.con.sql(sql).pl()

    def batches(self, size: int, tables: tuple[str, ...]) -> Iterator[dict[str, pl.DataFrame]]:
        """The tables' rows for `size` articles at a time, in article_id order (one empty batch when there
        are no articles, so that callers always see every table's columns)."""
        self.con.execute("CREATE OR REPLACE TEMP TABLE batch_of AS SELECT article_id, "
                         f"(row_number() OVER (ORDER BY article_id) - 1) // {int(size)} AS batch FROM articles")
        count = self.con.execute("SELECT coalesce(max(batch) + 1, 0) FROM batch_of").fetchall()[0][0]
        for batch in range(max(count, 1)):
            yield {table: self.frame(
                f"SELECT t.* FROM {table} t JOIN batch_of b USING (article_id) WHERE b.batch = {batch} "
                f"ORDER BY {ROW_ORDER.get(table, 'article_id, start_char')}") for table in tables}

    def close(self) -> None:
        """Release DuckDB (and with it any hold on the files it read)."""
        self.con.close()

    def __enter__(self) -> "Tables":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def workspace(spilled: Path, tables: tuple[str, ...], previous: Path | None, kept_ids: pl.Series) -> Tables:
    """Per-article tables as views: the kept articles' rows of the previous warehouse + every spilled batch."""
    con = store.connect()
    con.execute(f"SET temp_directory = '{(spilled / 'duckdb.tmp').as_posix()}'")
    con.register("kept", pl.DataFrame({"article_id": kept_ids.unique()}).to_arrow())
    if previous is not None:
        con.execute(f"ATTACH '{previous.as_posix()}' AS previous (READ_ONLY)")
    for table in tables:
        new = f"SELECT * FROM read_parquet('{spilled.as_posix()}/*/{table}/*.parquet')"
        columns = ", ".join(f'"{c}"' for c in con.sql(new).columns)
        old = (f"SELECT {columns} FROM previous.{table} WHERE article_id IN (SELECT article_id FROM kept)"
               if previous is not None else None)
        con.execute(f"CREATE VIEW {table} AS " + (f"{old} UNION ALL {new}" if old else new))
    return Tables(con)


def spilled_rows(folder: Path, table: str) -> int:
    """How many rows `spill` wrote for a table under `folder`."""
    files = sorted((folder / table).glob("*.parquet"))
    return pl.scan_parquet(files).select(pl.len()).collect().item() if files else 0


def spilled_batches(folder: Path, tables: tuple[str, ...]) -> Iterator[dict[str, pl.DataFrame]]:
    """The batches `spill` wrote under `folder`, one dict of the given tables per batch number."""
    numbers = sorted(p.stem for p in (folder / tables[0]).glob("*.parquet"))
    for number in numbers:
        yield {table: pl.read_parquet(folder / table / f"{number}.parquet") for table in tables}
