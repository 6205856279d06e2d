"""Helpers for the Python functions that polars calls on whole batches (`map_batches`)."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (restored after, if it was on).

    Batch functions allocate many small objects that form no cycles (reference counting frees
    them), yet each allocation burst triggers collections that rescan them all: a quarter of the
    time of name linking, an eighth of quote attribution. Also a decorator: `@gc_paused()`.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
