"""Walk the input folder so that every entry in it is either read or quarantined with a reason."""

import os
import stat
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Found:
    """One entry under the input folder: a file to read (`path`) or a decided quarantine (`reason`)."""

    source_name: str
    path: str | None = None
    reason: str | None = None
    detail: str | None = None


def discover(root: Path) -> list[Found]:
    """Every entry under `root`, sorted by source_name; directories are walked, never followed via links."""
    root_real = Path(os.path.realpath(root))
    found: list[Found] = []
    stack: list[tuple[str, str, bool]] = [(os.fspath(root), "", False)]
    while stack:
        directory, prefix, hidden = stack.pop()
        try:
            entries = _list_dir(directory)
        except OSError as err:
            if not prefix:
                raise  # the input folder itself: the caller must hear about it
            found.append(Found(prefix, reason="unreadable", detail=f"Folder cannot be listed: {_why(err)}."))
            continue
        for entry in entries:
            name = prefix + display_name(entry.name)
            entry_hidden = hidden or entry.name.startswith(".")
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, name + "/", entry_hidden))
                    continue
                found.append(_classify(entry, name, entry_hidden, root_real))
            except OSError as err:
                found.append(
                    Found(name, reason="unreadable", detail=f"Cannot inspect the file: {_why(err)}.")
                )
    return sorted(found, key=lambda item: item.source_name)


def display_name(name: str) -> str:
    """File name as valid UTF-8 text: undecodable bytes become visible `\\xNN` escapes."""
    if name.isascii():  # nothing to escape
        return name
    return os.fsencode(name).decode("utf-8", errors="backslashreplace")


def _list_dir(directory: str) -> list[os.DirEntry[str]]:
    """Entries of one directory (order does not matter: the result is sorted at the end)."""
    with os.scandir(directory) as entries:
        return list(entries)


def _classify(entry: os.DirEntry[str], name: str, hidden: bool, root_real: Path) -> Found:
    """Decide what a non-directory entry is: readable file, hidden, special file or symlink."""
    if hidden:
        return Found(
            name, reason="hidden", detail="Hidden file or inside a hidden folder (name starts with '.')."
        )
    if entry.is_symlink():
        return _classify_symlink(entry.path, name, root_real)
    if entry.is_file(follow_symlinks=False):
        return Found(name, path=entry.path)
    return _special_file(name, entry.stat(follow_symlinks=False).st_mode)


def _classify_symlink(path: str, name: str, root_real: Path) -> Found:
    """Follow a symlink only to a file inside the input folder; folder links are not walked twice."""
    try:
        mode = os.stat(path).st_mode
    except OSError as err:
        return Found(
            name, reason="unreadable", detail=f"Symlink cannot be followed (broken or a loop): {_why(err)}."
        )
    target = Path(os.path.realpath(path))
    if not target.is_relative_to(root_real):
        return Found(
            name, reason="symlink_outside", detail=f"Symlink points to '{target}', outside the input folder."
        )
    relative = target.relative_to(root_real).as_posix()
    if stat.S_ISDIR(mode):
        return Found(
            name,
            reason="symlink_dir",
            detail=f"Symlink to the folder '{relative}/' inside the input folder; its files are read "
            "under their own paths, not again through the link.",
        )
    if stat.S_ISREG(mode):
        return Found(name, path=os.fspath(target))
    return _special_file(name, mode)


def _special_file(name: str, mode: int) -> Found:
    """FIFOs, sockets and devices are never opened (reading a FIFO would block the run)."""
    kinds = {
        stat.S_ISFIFO: "named pipe",
        stat.S_ISSOCK: "socket",
        stat.S_ISCHR: "character device",
        stat.S_ISBLK: "block device",
    }
    kind = next((label for test, label in kinds.items() if test(mode)), "special file")
    return Found(name, reason="not_text", detail=f"Not a regular file: it is a {kind}.")


def _why(err: OSError) -> str:
    """Short reason of an OSError ('Permission denied')."""
    return err.strerror or type(err).__name__
