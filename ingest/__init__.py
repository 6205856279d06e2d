"""Input files -> `files` and `quarantine` frames, and `unchanged` for reruns (see docs/architecture.md)."""

from ingest.read import (
    DEFAULT_EXTENSIONS,
    DEFAULT_MAX_BYTES,
    FILES_SCHEMA,
    QUARANTINE_SCHEMA,
    UNCHANGED_SCHEMA,
    article_id_for,
    read_changed,
    read_folder,
    with_texts,
)

__all__ = [
    "DEFAULT_EXTENSIONS",
    "DEFAULT_MAX_BYTES",
    "FILES_SCHEMA",
    "QUARANTINE_SCHEMA",
    "UNCHANGED_SCHEMA",
    "article_id_for",
    "read_changed",
    "read_folder",
    "with_texts",
]
