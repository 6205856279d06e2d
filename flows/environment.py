"""Offline Prefect and GX settings, applied before either library is imported."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REGISTRY = PROJECT_ROOT / "people_registry.csv"

OFFLINE_DEFAULTS = {
    "PREFECT_HOME": str(PROJECT_ROOT / ".prefect"),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "GX_ANALYTICS_ENABLED": "false",
}


def use_offline_prefect(*, ephemeral_api: bool = True) -> None:
    """Keep Prefect's home in the project, telemetry off and, for CLI runs, a temporary local API."""
    for key, value in OFFLINE_DEFAULTS.items():
        os.environ.setdefault(key, value)
    if ephemeral_api:
        os.environ.pop("PREFECT_API_URL", None)
