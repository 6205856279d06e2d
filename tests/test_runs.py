"""Runs over time: incremental and idempotent, readers never blocked, bad input accounted for, failures safe."""

import shutil
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

import ingest
from flows.cli import main as cli_main
from flows.pipeline import wirehouse_flow
from tests.conftest import SAMPLES
from tests.test_ingest import LOADED, MAX_BYTES, build_hostile_folder
from warehouse import store

# table -> columns that identify its content (run bookkeeping left out)
CONTENT = {
    "articles": "article_id, source_name, title, published_date, inferred_date, body_chars",
    "quotes": "quote_id, article_id, quote_text, kind, speaker, speaker_raw, start_char",
    "mentions": "article_id, start_char, mention_text, person_name, resolution",
    "people": "canonical_name, aliases, mention_count, article_count",
    "person_aliases": "alias, canonical_name, mention_count",
    "temporal_expressions": "article_id, start_char, expression, value, precision",
    "events": "event_id, actor, action, event_date, story_event_id",
    "article_sources": "source_name, article_id, is_primary",
}


def contents(warehouse: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {t: con.execute(f"SELECT {cols} FROM {t} ORDER BY ALL").fetchall() for t, cols in CONTENT.items()}


def one(warehouse: Path, sql: str):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def copy_samples(folder: Path) -> Path:
    shutil.copytree(SAMPLES, folder)
    return folder


@pytest.fixture(scope="module")
def incremental(prefect_api, tmp_path_factory):
    """Runs over an input folder that is then left alone, added to, edited and pruned."""
    base = tmp_path_factory.mktemp("incremental")
    folder = copy_samples(base / "input")
    warehouse = base / "w.duckdb"
    states, summaries = {}, {}

    def run(label: str, **kwargs):
        summaries[label] = wirehouse_flow(str(folder), str(warehouse), **kwargs)
        states[label] = contents(warehouse)

    run("first")
    run("unchanged")
    extra = (SAMPLES / "004_314dca051041c344.txt").read_text().replace("Lutnick", "Lutnick")
    (folder / "nested").mkdir()
    (folder / "nested" / "added copy.txt").write_text("Extra headline\n\n" + extra)
    run("added")
    edited = folder / "001_07c01706d1c37d8d.txt"
    edited.write_text(edited.read_text().replace("This is an old chip.", "This is a very old chip."))
    run("edited")
    (folder / "003_dffc5bf9aa02b684.txt").unlink()
    run("removed")
    rebuilt = base / "rebuilt.duckdb"
    summaries["rebuilt"] = wirehouse_flow(str(folder), str(rebuilt), full_refresh=True)
    states["rebuilt"] = contents(rebuilt)
    return warehouse, states, summaries


def test_unchanged_rerun_processes_nothing_and_keeps_identical_contents(incremental):
    warehouse, states, summaries = incremental
    assert summaries["first"].files_processed == 5
    assert summaries["unchanged"].files_processed == 0
    assert states["unchanged"] == states["first"]
    runs = one(warehouse, "SELECT files_processed FROM runs ORDER BY started_at")
    assert [r[0] for r in runs][:2] == [5, 0]
    first, again = summaries["first"].stage_seconds, summaries["unchanged"].stage_seconds
    print(f"first run stages {sum(first.values()):.2f}s, unchanged rerun {sum(again.values()):.2f}s")
    assert "extract" not in again and "validate" not in again


def test_adding_one_file_processes_one_file(incremental):
    _, states, summaries = incremental
    assert summaries["added"].files_processed == 1
    added = {r[1] for r in states["added"]["articles"]} - {r[1] for r in states["unchanged"]["articles"]}
    assert added == {"nested/added copy.txt"}
    old_ids = {r[0] for r in states["unchanged"]["articles"]}
    assert [q for q in states["added"]["quotes"] if q[1] in old_ids] == states["unchanged"]["quotes"]


def test_editing_one_file_replaces_its_rows_only(incremental):
    _, states, summaries = incremental
    assert summaries["edited"].files_processed == 1
    before = {r[1]: r[0] for r in states["added"]["articles"]}
    after = {r[1]: r[0] for r in states["edited"]["articles"]}
    name = "001_07c01706d1c37d8d.txt"
    assert before[name] != after[name]
    assert {k: v for k, v in before.items() if k != name} == {k: v for k, v in after.items() if k != name}
    texts = {q[2] for q in states["edited"]["quotes"] if q[1] == after[name]}
    assert any("very old chip" in t for t in texts)
    assert not any(q[1] == before[name] for q in states["edited"]["quotes"])


def test_a_removed_file_is_marked_removed_and_its_rows_go(incremental):
    warehouse, states, _ = incremental
    assert "003_dffc5bf9aa02b684.txt" not in {r[1] for r in states["removed"]["articles"]}
    assert one(warehouse, "SELECT status FROM file_state WHERE source_name = '003_dffc5bf9aa02b684.txt'") == [
        ("removed",)]


def test_incremental_runs_equal_a_full_rebuild(incremental):
    _, states, _ = incremental
    assert states["removed"] == states["rebuilt"]


READER = textwrap.dedent("""
    import os, sys, time, duckdb
    path, stop = sys.argv[1], sys.argv[2]
    seen, errors = set(), []
    while not os.path.exists(stop):
        if os.path.exists(path):
            try:
                with duckdb.connect(path, read_only=True) as con:
                    runs = con.execute("SELECT count(*) FROM runs").fetchone()[0]
                    complete = con.execute(
                        "SELECT count(*) FROM runs r WHERE r.status = 'completed' AND r.articles_loaded ="
                        " (SELECT count(*) FROM articles)").fetchone()[0]
                    seen.add((runs, complete > 0))
            except Exception as err:  # noqa: BLE001
                errors.append(repr(err))
        time.sleep(0.002)
    print(repr((sorted(seen), errors)))
""")


def test_readers_never_see_an_error_or_a_half_written_warehouse(prefect_api, tmp_path):
    folder = copy_samples(tmp_path / "input")
    warehouse, stop = tmp_path / "w.duckdb", tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse), str(stop)],
                              stdout=subprocess.PIPE, text=True)
    try:
        wirehouse_flow(str(folder), str(warehouse))
        (folder / "004_314dca051041c344.txt").write_text("Changed headline\n\nLutnick said, \"It changed today.\"")
        wirehouse_flow(str(folder), str(warehouse))
        wirehouse_flow(str(folder), str(warehouse), full_refresh=True)
    finally:
        stop.touch()
        out, _ = reader.communicate(timeout=60)
    seen, errors = eval(out)  # noqa: S307 - our own child's repr
    assert errors == []
    assert seen and all(last_run_complete for _, last_run_complete in seen)
    assert {runs for runs, _ in seen} <= {1, 2, 3}


def test_a_second_writer_is_refused_with_a_clear_message(tmp_path, capsys):
    folder = copy_samples(tmp_path / "input")
    warehouse = tmp_path / "w.duckdb"
    with store.writer_lock(warehouse):
        code = cli_main(["run", "--input", str(folder), "--warehouse", str(warehouse)])
    assert code == 3
    assert "another wirehouse run is writing" in capsys.readouterr().err


@pytest.fixture(scope="module")
def hostile_run(prefect_api, tmp_path_factory):
    """One run over a folder holding every kind of bad input next to the five samples."""
    base = tmp_path_factory.mktemp("hostile")
    root, expected, _ = build_hostile_folder(base)
    warehouse = base / "w.duckdb"
    first = wirehouse_flow(str(root), str(warehouse), max_bytes=MAX_BYTES)
    before = contents(warehouse)
    second = wirehouse_flow(str(root), str(warehouse), max_bytes=MAX_BYTES)
    return root, expected, warehouse, first, second, before


def test_every_file_is_loaded_or_quarantined_by_name(hostile_run):
    root, expected, warehouse, first, _, _ = hostile_run
    assert first.status == "completed"
    on_disk = set(expected)  # every entry the folder builder wrote, as test_ingest checks against os.walk
    state = dict(one(warehouse, "SELECT source_name, status FROM file_state"))
    assert set(state) == on_disk
    loaded = {r[0] for r in one(warehouse, "SELECT source_name FROM article_sources WHERE is_primary")}
    refused = {r[0] for r in one(warehouse, "SELECT DISTINCT source_name FROM quarantine")}
    assert loaded | refused == on_disk and not loaded & refused
    for name, outcome in expected.items():
        if outcome != LOADED:
            assert name in refused, name


def test_samples_in_a_hostile_folder_get_the_same_quotes_as_alone(hostile_run, sample_run):
    _, _, warehouse, _, _, _ = hostile_run
    sql = ("SELECT a.source_name, q.quote_text, q.speaker FROM quotes q JOIN articles a USING (article_id) "
           "WHERE a.source_name NOT LIKE '%/%' AND a.source_name LIKE '00%' ORDER BY ALL")
    assert one(warehouse, sql) == one(sample_run[1], sql)


def test_a_second_hostile_run_changes_nothing(hostile_run):
    _, _, warehouse, _, second, before = hostile_run
    assert second.files_processed == 0
    assert contents(warehouse) == before


def test_korean_and_chinese_encodings_load_like_utf8(prefect_api, tmp_path):
    text = (SAMPLES / "000_765f0c137831a026.txt").read_text()
    text = text.replace("【Silicon Valley=Hong Chang-ki Correspondent】",
                        "【실리콘밸리=홍창기 특파원】 美国商务部长卢特尼克")
    quotes = {}
    for codec in ("utf-8", "cp949", "gb18030"):
        folder = tmp_path / codec
        folder.mkdir()
        try:
            (folder / "article.txt").write_bytes(text.encode(codec))
        except UnicodeEncodeError:
            (folder / "article.txt").write_bytes(text.replace(" 美国商务部长卢特尼克", "").encode(codec))
        wirehouse_flow(str(folder), str(tmp_path / f"{codec}.duckdb"))
        quotes[codec] = one(tmp_path / f"{codec}.duckdb", "SELECT quote_text, speaker FROM quotes ORDER BY ALL")
    assert quotes["utf-8"] and quotes["cp949"] == quotes["utf-8"] and quotes["gb18030"] == quotes["utf-8"]


def test_a_future_publication_date_quarantines_that_article_and_the_run_still_succeeds(prefect_api, tmp_path):
    folder = copy_samples(tmp_path / "input")
    future = date.today().replace(year=date.today().year + 2).isoformat()
    (folder / "future.txt").write_text(f"Future headline\n\nPublished: {future}\n\nLutnick said, \"Soon.\"\n")
    warehouse = tmp_path / "w.duckdb"
    code = cli_main(["run", "--input", str(folder), "--warehouse", str(warehouse)])
    assert code == 0
    assert one(warehouse, "SELECT source_name, reason FROM quarantine") == [
        ("future.txt", "validation:published_date_in_range")]
    assert one(warehouse, "SELECT count(*) FROM articles") == [(5,)]
    assert one(warehouse, "SELECT status FROM file_state WHERE source_name = 'future.txt'") == [("quarantined",)]


def test_a_critical_failure_keeps_the_previous_warehouse_byte_identical(prefect_api, tmp_path, monkeypatch):
    from transforms import stages

    folder = copy_samples(tmp_path / "input")
    warehouse = tmp_path / "w.duckdb"
    assert wirehouse_flow(str(folder), str(warehouse)).status == "completed"
    before = warehouse.read_bytes()
    real = stages.extract_per_article

    def duplicated_ids(*frames):
        """A bug: every article gets the same id."""
        tables = real(*frames)
        tables["articles"] = tables["articles"].with_columns(pl.lit("same-id").alias("article_id"))
        return tables

    monkeypatch.setattr(stages, "extract_per_article", duplicated_ids)
    (folder / "new.txt").write_text("New headline\n\nLutnick said, \"A new quote for the record.\"\n")
    code = cli_main(["run", "--input", str(folder), "--warehouse", str(warehouse), "--full-refresh"])
    assert code == 1
    assert warehouse.read_bytes() == before
    log = (tmp_path / "w.duckdb.runs.jsonl").read_text().splitlines()
    assert '"status": "failed"' in log[-1] and "articles.article_id_unique" in log[-1]


def test_reposted_copies_are_linked_and_not_counted_twice(hostile_run):
    _, _, warehouse, _, _, _ = hostile_run
    original = one(warehouse, "SELECT article_id FROM articles WHERE source_name = '004_314dca051041c344.txt'")[0][0]
    reposts = one(warehouse, f"SELECT count(*) FROM articles WHERE near_duplicate_of = '{original}'")[0][0]
    assert reposts >= 5  # the hostile folder re-posts sample 004 under many encodings and names
    counted = one(warehouse, "SELECT sum(direct_quotes) FROM speaker_outlet_counts WHERE speaker = 'Howard Lutnick'")
    once = one(warehouse, "SELECT count(*) FROM quotes_with_context WHERE speaker = 'Howard Lutnick' "
                          "AND kind = 'direct' AND NOT from_repost")
    assert counted == once


@pytest.mark.parametrize("runner", ["dask", "process"])
def test_small_batches_on_two_workers_give_the_same_tables_as_one_batch_on_threads(sample_run, tmp_path, runner):
    from flows.pipeline import with_task_runner

    folder, single_batch, _ = sample_run
    summary = with_task_runner(runner, workers=2)(str(folder), str(tmp_path / "w.duckdb"), batch_files=2,
                                                  workers=2, batch_articles=2)
    assert summary.status == "completed"
    assert contents(tmp_path / "w.duckdb") == contents(single_batch)


def test_rows_refused_from_unchanged_files_stay_in_quarantine():
    """A refused quote row is gone from the warehouse, so no later check sees it again: its quarantine row is
    carried while the file is unchanged; refused people rows are carried only when nothing is recomputed."""
    from flows.pipeline import Inputs, Previous, plan_changes

    when = pl.datetime(2025, 7, 16, time_unit="us")
    state = pl.DataFrame({"source_name": ["a.txt", "b.txt"], "content_hash": ["a" * 64, "b" * 64],
                          "size_bytes": [10, 10], "status": ["loaded", "loaded"]}).with_columns(mtime=when)
    quarantine = pl.DataFrame({
        "source_name": ["a.txt", "b.txt", "<person_aliases>", "bad.bin"],
        "reason": ["validation:q", "validation:q", "validation:alias", "binary"],
        "detail": ["", "", "", ""], "table_name": ["quotes", "quotes", "person_aliases", "files"],
        "row_key": ["1", "2", "Gao|Gao Wei", None], "run_id": ["r1"] * 4})
    previous = Previous(path=Path("w.duckdb"), file_state=state, quarantine=quarantine, validations=None,
                        articles=pl.DataFrame({"article_id": ["a" * 16, "b" * 16], "source_name": ["a.txt", "b.txt"]}))
    columns = ["source_name", "content_hash", "size_bytes", "mtime"]
    edited = state.filter(pl.col("source_name") == "b.txt").with_columns(
        content_hash=pl.lit("c" * 64), text=pl.lit("edited"))
    inputs = Inputs(files=edited, quarantine=pl.DataFrame(schema=ingest.QUARANTINE_SCHEMA),
                    unchanged=state.filter(pl.col("source_name") == "a.txt").select(columns))
    plan = plan_changes.fn(inputs, previous)
    assert plan.carried_rejections["row_key"].to_list() == ["1"]
    assert plan.derived_rejections["row_key"].to_list() == ["Gao|Gao Wei"]
    assert plan.new_files["source_name"].to_list() == ["b.txt"]


def test_adding_an_article_to_a_corpus_gives_what_a_rebuild_gives(prefect_api, tmp_path):
    """Kept articles are clustered again from their own spellings, not from last run's canonical names."""
    from flows.synthetic import write_corpus

    folder = tmp_path / "input"
    write_corpus(folder, 60)
    wirehouse_flow(str(folder), str(tmp_path / "w.duckdb"))
    shutil.copy(SAMPLES / "001_07c01706d1c37d8d.txt", folder)
    added = wirehouse_flow(str(folder), str(tmp_path / "w.duckdb"))
    assert added.files_processed == 1
    wirehouse_flow(str(folder), str(tmp_path / "rebuilt.duckdb"))
    assert contents(tmp_path / "w.duckdb") == contents(tmp_path / "rebuilt.duckdb")


def test_batches_on_two_local_processes_give_the_same_tables_as_one_batch(sample_run, tmp_path):
    folder, single_batch, _ = sample_run
    summary = wirehouse_flow(str(folder), str(tmp_path / "w.duckdb"), batch_files=2, processes=2)
    assert summary.status == "completed"
    assert contents(tmp_path / "w.duckdb") == contents(single_batch)


def test_batches_are_small_enough_for_every_process_and_no_larger_than_asked():
    from flows.extraction import MIN_POOLED_BATCH, batch_size

    assert batch_size(10_000, 2000, 1) == 2000
    assert batch_size(10_000, 2000, 2) == 1250  # four batches per process
    assert batch_size(100_000, 2000, 2) == 2000
    assert batch_size(5, 2000, 2) == MIN_POOLED_BATCH


def test_a_changed_registry_rebuilds_the_warehouse(prefect_api, tmp_path):
    from flows.environment import DEFAULT_REGISTRY

    folder = copy_samples(tmp_path / "input")
    registry = tmp_path / "registry.csv"
    shutil.copy(DEFAULT_REGISTRY, registry)
    warehouse = tmp_path / "w.duckdb"
    assert wirehouse_flow(str(folder), str(warehouse), registry=str(registry)).files_processed == 5
    assert wirehouse_flow(str(folder), str(warehouse), registry=str(registry)).files_processed == 0
    registry.write_text(registry.read_text() + 'Jensen Huang,"Jen-Hsun Huang;Huang Renxun",chief executive\n')
    rebuilt = wirehouse_flow(str(folder), str(warehouse), registry=str(registry))
    assert rebuilt.files_processed == 5
    digests = one(warehouse, "SELECT registry_digest FROM runs ORDER BY started_at")
    assert digests[0] == digests[1] != digests[2]


def test_earlier_runs_show_their_load_and_publish_seconds(incremental):
    import json

    warehouse, _, summaries = incremental
    stages = dict(one(warehouse, "SELECT run_id, stage_seconds FROM runs"))
    assert {"read", "extract", "load", "publish"} <= set(json.loads(stages[summaries["first"].run_id]))
    assert {"read", "load", "publish"} <= set(json.loads(stages[summaries["unchanged"].run_id]))


def test_a_copy_added_to_an_unchanged_folder_is_listed_among_the_article_sources(prefect_api, tmp_path):
    folder = copy_samples(tmp_path / "input")
    warehouse = tmp_path / "w.duckdb"
    wirehouse_flow(str(folder), str(warehouse))
    before = one(warehouse, "SELECT source_name, is_primary FROM article_sources ORDER BY ALL")
    again = wirehouse_flow(str(folder), str(warehouse))
    assert again.files_processed == 0 and one(warehouse, "SELECT * FROM article_sources ORDER BY ALL")
    assert one(warehouse, "SELECT source_name, is_primary FROM article_sources ORDER BY ALL") == before
    shutil.copy(folder / "000_765f0c137831a026.txt", folder / "zz copy.txt")
    copied = wirehouse_flow(str(folder), str(warehouse))
    assert copied.files_processed == 0  # a copy of a known text: nothing to extract, the fast path
    assert ("zz copy.txt", False) in one(warehouse, "SELECT source_name, is_primary FROM article_sources")


def test_same_rows_ignores_row_and_column_order():
    from flows.pipeline import same_rows

    frame = pl.DataFrame({"a": ["x", "y"], "b": [True, False]})
    assert same_rows(frame, frame.reverse().select("b", "a"))
    assert not same_rows(frame, frame.head(1))
    assert not same_rows(frame, None)
    assert not same_rows(frame, frame.with_columns(b=pl.lit(True)))
