"""Shared fixtures: the bundled samples as a `files` frame, and offline settings for Prefect and GX."""

import hashlib
from pathlib import Path

import polars as pl
import pytest

from flows.environment import use_offline_prefect

use_offline_prefect()

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def files_frame(texts: dict[str, str]) -> pl.DataFrame:
    """A `files` frame (the ingest contract) built from in-memory texts."""
    return pl.DataFrame(
        {
            "source_name": list(texts),
            "text": list(texts.values()),
            "content_hash": [hashlib.sha256(t.encode()).hexdigest() for t in texts.values()],
        }
    )


@pytest.fixture(scope="session")
def sample_texts() -> dict[str, str]:
    """The five real sample articles, by file name."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))}


@pytest.fixture(scope="session")
def sample_files(sample_texts) -> pl.DataFrame:
    """The samples as a `files` frame."""
    return files_frame(sample_texts)


@pytest.fixture(scope="session")
def prefect_api():
    """One temporary Prefect API for the whole session (it costs seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(scope="session")
def sample_run(prefect_api, tmp_path_factory):
    """The flow run once over a copy of the samples: (input folder, warehouse, summary)."""
    import shutil

    from flows.pipeline import wirehouse_flow

    base = tmp_path_factory.mktemp("samples_run")
    input_dir = base / "input"
    shutil.copytree(SAMPLES, input_dir)
    warehouse = base / "w.duckdb"
    summary = wirehouse_flow(str(input_dir), str(warehouse))
    return input_dir, warehouse, summary
