"""Warehouse storage: idempotent schema, bulk loads, atomic publish, one writer at a time."""

import duckdb
import polars as pl
import pytest

from warehouse import store
from warehouse.settings import WAREHOUSE_ENV, warehouse_path


def test_schema_applies_twice_and_declares_keys(tmp_path):
    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as con:
        store.apply_schema(con)
        store.apply_schema(con)
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert set(store.TABLES) <= tables
        fks = con.execute(
            "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'FOREIGN KEY'"
        ).fetchall()
        assert {"quotes", "mentions", "events"} <= {r[0] for r in fks}


def test_quote_kind_is_checked_and_orphans_refused(tmp_path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        store.apply_schema(con)
        store.insert_frame(con, "articles", pl.DataFrame({
            "article_id": ["a1"], "source_name": ["x.txt"], "content_hash": ["h"]}))
        quote = {"quote_id": ["q1"], "article_id": ["a1"], "quote_text": ["hi there"], "kind": ["direct"],
                 "start_char": [0], "end_char": [8]}
        assert store.insert_frame(con, "quotes", pl.DataFrame(quote)) == 1
        with pytest.raises(duckdb.ConstraintException):
            store.insert_frame(con, "quotes", pl.DataFrame({**quote, "quote_id": ["q2"], "kind": ["rumour"]}))
        with pytest.raises(duckdb.ConstraintException):
            store.insert_frame(con, "quotes", pl.DataFrame({**quote, "quote_id": ["q3"], "article_id": ["zz"]}))


def test_publish_replaces_atomically_and_staging_is_cleaned(tmp_path):
    target = tmp_path / "w.duckdb"
    with store.staging_copy(target, fresh=True) as staging:
        with duckdb.connect(str(staging)) as con:
            con.execute("CREATE TABLE t AS SELECT 1 AS x")
        store.publish(staging, target)
    with duckdb.connect(str(target), read_only=True) as con:
        assert con.execute("SELECT x FROM t").fetchone() == (1,)
    assert not (tmp_path / "w.duckdb.staging").exists()


def test_failed_build_leaves_the_published_file_untouched(tmp_path):
    target = tmp_path / "w.duckdb"
    target.write_bytes(b"previous good warehouse")
    with pytest.raises(RuntimeError), store.staging_copy(target, fresh=False) as staging:
        staging.write_bytes(b"half written")
        raise RuntimeError("boom")
    assert target.read_bytes() == b"previous good warehouse"


def test_second_writer_is_refused(tmp_path):
    target = tmp_path / "w.duckdb"
    with store.writer_lock(target):
        with pytest.raises(store.WarehouseBusy, match="another wirehouse run"), store.writer_lock(target):
            pass
    with store.writer_lock(target):
        pass


def test_one_setting_names_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv(WAREHOUSE_ENV, str(tmp_path / "env.duckdb"))
    assert warehouse_path() == tmp_path / "env.duckdb"
    assert warehouse_path(tmp_path / "arg.duckdb") == tmp_path / "arg.duckdb"


def test_every_table_view_and_column_is_documented():
    with duckdb.connect() as con:
        store.apply_schema(con)
        undocumented = con.execute(
            "SELECT table_name || '.' || column_name FROM duckdb_columns() "
            "WHERE schema_name = 'main' AND NOT internal AND comment IS NULL"
        ).fetchall()
        undocumented += con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT internal AND comment IS NULL "
            "UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal AND comment IS NULL"
        ).fetchall()
    assert undocumented == []


def test_memory_budget_grows_with_the_largest_table_to_commit(monkeypatch):
    from warehouse.store import MEMORY_LIMIT_ENV, memory_limit

    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    assert memory_limit() == "256MB"
    assert memory_limit(1_000_000) == "256MB"  # 200 MB of key indexes fit
    assert memory_limit(2_000_000) == "400MB"
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1GB")
    assert memory_limit(2_000_000) == "1GB"  # the user's setting wins


def test_kept_rows_are_copied_in_batches_of_articles_with_their_extracted_values(sample_run, tmp_path):
    """`workspace.copy_kept`: every kept row once, `batch_articles` articles a batch in article_id order, the
    per-article value of each rewritten column restored, and a file per batch even for a table without rows."""
    import shutil

    from transforms.stages import LOCAL_COLUMNS
    from warehouse import workspace

    previous = tmp_path / "previous.duckdb"
    shutil.copy(sample_run[1], previous)
    with store.connect(previous) as con:
        ids = con.sql("SELECT article_id FROM articles ORDER BY article_id").pl()["article_id"]
        con.execute("DELETE FROM quotes WHERE article_id IN (?, ?)", ids.head(2).to_list())  # batch 0: no quotes
        quotes = con.sql("SELECT article_id, quote_id, start_char, kind, local_speaker AS speaker FROM quotes").pl()
    schemas = {
        "articles": pl.Schema({"article_id": pl.String, "title": pl.String}),
        "quotes": pl.Schema({"article_id": pl.String, "quote_id": pl.String, "start_char": pl.Int64, "kind": pl.String,
                             "speaker": pl.String}),
    }
    with store.connect() as con:
        con.execute(f"SET temp_directory = '{(tmp_path / 'tmp').as_posix()}'")
        workspace.copy_kept(con, previous, ids.head(4), schemas, LOCAL_COLUMNS, tmp_path / "kept", 2)
    batches = list(workspace.spilled_batches(tmp_path / "kept", ("articles", "quotes")))
    assert [b["articles"]["article_id"].to_list() for b in batches] == [ids[:2].to_list(), ids[2:4].to_list()]
    assert [b["quotes"].height for b in batches][0] == 0 and batches[0]["quotes"].schema == schemas["quotes"]
    copied = batches[1]["quotes"]  # in the order of a batch: article_id, start_char, kind
    expected = quotes.filter(pl.col("article_id").is_in(ids[2:4].implode())).sort("article_id", "start_char", "kind")
    assert copied.height > 0 and copied.equals(expected)
