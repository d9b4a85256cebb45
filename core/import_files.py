"""Uploaded files kept between an import's preview and its confirmation.

They live in a folder of their own, under names this module makes (32 random hex digits and the extension),
so a name sent back with the confirmation can only ever point into that folder. A file is removed when its
import is confirmed or cancelled, and any file older than an hour is removed whenever an import starts.
"""

import re
import tempfile
import time
import uuid
from pathlib import Path

from import_export.tmp_storages import BaseStorage

IMPORT_DIR = Path(tempfile.gettempdir()) / "expoportal-imports"
KEEP_SECONDS = 60 * 60
_NAME = re.compile(r"[0-9a-f]{32}\.(csv|xlsx|zip)")


class ImportFileMissing(Exception):
    """The named file is not (or no longer) kept."""


def is_import_file_name(name: str) -> bool:
    return bool(_NAME.fullmatch(name or ""))


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _folder() -> Path:
    IMPORT_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    return IMPORT_DIR


class ImportFileStorage(BaseStorage):
    """import-export's temporary storage, confined to IMPORT_DIR; it keeps bytes and reads bytes.

    ``name`` is given to read or remove a kept file, ``extension`` to save a new one.
    """

    def __init__(self, *, name: str | None = None, extension: str = "csv", **kwargs):
        super().__init__(name=name, read_mode="rb")
        self.extension = extension

    def _path(self) -> Path:
        if not is_import_file_name(self.name):
            raise ImportFileMissing(self.name)
        return _folder() / self.name

    def save(self, data: bytes) -> None:
        self.name = f"{uuid.uuid4().hex}.{self.extension}"
        path = self._path()
        with open(path, "xb") as file:
            file.write(data)
        path.chmod(0o600)

    def read(self) -> bytes:
        try:
            return self._path().read_bytes()
        except FileNotFoundError:
            raise ImportFileMissing(self.name) from None

    def remove(self) -> None:
        if is_import_file_name(self.name):
            (_folder() / self.name).unlink(missing_ok=True)


def remove_stale_import_files(max_age: float = KEEP_SECONDS) -> None:
    """Previews that were never confirmed or cancelled: removed after an hour."""
    if not IMPORT_DIR.is_dir():
        return
    oldest = time.time() - max_age
    for path in IMPORT_DIR.iterdir():
        try:
            if is_import_file_name(path.name) and path.stat().st_mtime < oldest:
                path.unlink(missing_ok=True)
        except FileNotFoundError:  # removed by another worker meanwhile
            continue
