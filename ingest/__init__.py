"""Input files -> `files` and `quarantine` frames (see docs/architecture.md)."""

from ingest.read import (
    DEFAULT_EXTENSIONS,
    DEFAULT_MAX_BYTES,
    FILES_SCHEMA,
    QUARANTINE_SCHEMA,
    article_id_for,
    read_folder,
)

__all__ = [
    "DEFAULT_EXTENSIONS",
    "DEFAULT_MAX_BYTES",
    "FILES_SCHEMA",
    "QUARANTINE_SCHEMA",
    "article_id_for",
    "read_folder",
]
