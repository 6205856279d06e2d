"""The one setting that names the warehouse file, and the files kept beside it."""

import os
from pathlib import Path

WAREHOUSE_ENV = "WIREHOUSE_WAREHOUSE"
DEFAULT_WAREHOUSE = Path("out/wirehouse.duckdb")


def warehouse_path(explicit: str | Path | None = None) -> Path:
    """The warehouse file: the explicit argument, else $WIREHOUSE_WAREHOUSE, else out/wirehouse.duckdb."""
    chosen = explicit or os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE
    return Path(chosen).expanduser().resolve()


def sidecar(warehouse: Path, suffix: str) -> Path:
    """A file next to the warehouse (lock, run log, staging file, data docs)."""
    return warehouse.with_name(warehouse.name + suffix)
