"""The whole flow end to end on the samples, through a real (temporary) Prefect API."""

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from flows.cli import main as cli_main
from flows.pipeline import wirehouse_flow

SCORER = Path(__file__).resolve().parents[2] / "shared" / "eval" / "score.py"
GOLD = SCORER.parent.parent / "gold"


def query(warehouse, sql):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_samples_load_with_their_publication_dates(sample_run):
    _, warehouse, summary = sample_run
    assert summary.status == "completed"
    rows = dict(query(warehouse, "SELECT source_name, CAST(published_date AS VARCHAR) FROM articles"))
    assert rows == {
        "000_765f0c137831a026.txt": "2025-07-16",
        "001_07c01706d1c37d8d.txt": None,
        "002_37697d017d2b2da8.txt": None,
        "003_dffc5bf9aa02b684.txt": None,
        "004_314dca051041c344.txt": None,
    }


def test_every_table_is_filled_and_the_run_is_logged(sample_run):
    _, warehouse, summary = sample_run
    for table in ("articles", "quotes", "people", "person_aliases", "mentions", "temporal_expressions",
                  "events", "file_state", "runs", "validations"):
        assert query(warehouse, f"SELECT count(*) FROM {table}")[0][0] > 0, table
    run = query(warehouse, "SELECT status, files_seen, articles_loaded, validation_success FROM runs")
    assert run[-1] == ("completed", 5, 5, True)
    assert set(json.loads(query(warehouse, "SELECT stage_seconds FROM runs")[-1][0])) >= {
        "read", "extract", "resolve", "validate"}


def test_quotes_have_canonical_speakers_and_verbatim_text(sample_run):
    _, warehouse, _ = sample_run
    bad = query(warehouse, """
        SELECT q.quote_id FROM quotes q JOIN articles a USING (article_id)
        WHERE substring(a.body, q.start_char + 1, q.end_char - q.start_char) <> q.quote_text""")
    assert bad == []
    speakers = {r[0] for r in query(warehouse, "SELECT DISTINCT speaker FROM quotes WHERE speaker IS NOT NULL")}
    canonical = {r[0] for r in query(warehouse, "SELECT canonical_name FROM people")}
    assert speakers <= canonical
    assert {"Howard Lutnick", "Scott Bessent", "David Sacks"} <= speakers
    assert not speakers & {"Scott Besant", "David Sachs", "Besant", "Sachs", "Rutnik"}


def test_scorer_reads_the_warehouse(sample_run):
    _, warehouse, _ = sample_run
    out = subprocess.run([sys.executable, str(SCORER), "--warehouse", str(warehouse), "--gold", str(GOLD),
                          "--json"], capture_output=True, text=True, check=True)
    scores = json.loads(out.stdout)
    assert scores["published_accuracy"] == 1.0 and scores["published_spurious"] == 0
    assert scores["quote_f1"] >= 0.9


def test_second_run_keeps_the_same_rows(sample_run):
    input_dir, warehouse, _ = sample_run
    tables = ("articles", "quotes", "people", "events", "temporal_expressions")
    before = {t: query(warehouse, f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    summary = wirehouse_flow(str(input_dir), str(warehouse))
    assert summary.status == "completed"
    assert {t: query(warehouse, f"SELECT count(*) FROM {t}")[0][0] for t in tables} == before


def test_cli_refuses_bad_arguments(tmp_path, capsys):
    for argv, message in [
        (["run", "--input", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb")], "no such folder"),
        (["run", "--input", str(tmp_path), "--warehouse", str(tmp_path)], "is a folder"),
    ]:
        with pytest.raises(SystemExit) as stop:
            cli_main(argv)
        assert stop.value.code == 2
        assert message in capsys.readouterr().err


def test_export_writes_every_table_as_parquet(sample_run, tmp_path, capsys):
    _, warehouse, _ = sample_run
    assert cli_main(["export", "--warehouse", str(warehouse), "--parquet", str(tmp_path / "pq")]) == 0
    written = {p.stem for p in (tmp_path / "pq").glob("*.parquet")}
    assert {"articles", "quotes", "people", "events", "quotes_with_context", "event_timeline"} <= written
    assert query(warehouse, "SELECT count(*) FROM quotes") == duckdb.sql(
        f"SELECT count(*) FROM '{tmp_path / 'pq' / 'quotes.parquet'}'").fetchall()


def test_data_docs_list_every_suite_and_load_nothing_from_the_network(sample_run, capsys):
    _, warehouse, _ = sample_run
    assert cli_main(["docs", "--warehouse", str(warehouse)]) == 0
    index = Path(capsys.readouterr().out.strip())
    html = index.read_text()
    for suite in ("articles", "quotes", "people", "person_aliases", "events"):
        assert suite in html
    assert not re.search(r"""(?:src|href)=["']https?://[^"']+\.(?:css|js)""", html)


def test_loads_are_retried_on_io_errors_only():
    from prefect.states import Failed

    from flows.pipeline import io_failure

    assert io_failure(None, None, Failed(data=OSError("disk full")))
    assert io_failure(None, None, Failed(data=duckdb.IOException("could not write")))
    assert not io_failure(None, None, Failed(data=duckdb.ConstraintException("duplicate key")))
    assert not io_failure(None, None, Failed(data=ValueError("bad frame")))
