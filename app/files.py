"""Files outside the database that rows name (pictures on ideas, "Meine Daten" downloads): the one
sweep for files no row names any more (a removed picture, a worker stopped before its commit)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def remove_unnamed(folder: Path, named: Callable[[str], bool], older_than: float) -> int:
    """Delete the files in `folder` whose name `named` does not claim and that were last written
    before `older_than` (a POSIX timestamp: a file still being written stays). Folders in it stay
    (the reports' folder in the exports' one). Returns how many."""
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and not named(path.name) and path.stat().st_mtime < older_than:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
