"""The one exception that moves a file from the `files` frame to the `quarantine` frame."""


class Quarantined(Exception):
    """Raised while reading a file to say why it is not loaded; carries the quarantine row."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
