"""Where templates come from on disk: a folder's regular files, and their compiled form.

A site template folder may include only files inside it: no symlink leading out (to
/etc/passwd), no FIFO (reading one blocks for ever), no device, folder or 200 MB file; a
refused name is never replaced by the shipped template of that name. Compiled templates are
kept between runs (compiling costs a `run` about a fifth of its time), but Jinja2's marshal
data runs as code when loaded: it is read only from a folder this user made with mode 0700,
checked before every use.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, TemplateNotFound
from jinja2.bccache import Bucket, FileSystemBytecodeCache
from jinja2.loaders import split_template_path

from assistant.core.errors import InputError, Location, TemplateError
from assistant.core.fileio import read_regular_file
from assistant.core.source import not_utf8

MAX_TEMPLATE_BYTES = 1024 * 1024  # the shipped notes are 5-13 KB


class FolderLoader(BaseLoader):
    """A missing name is TemplateNotFound (a site folder falls back to the shipped templates).
    One that is not a regular file inside the folder (a FIFO, a folder, a link leading out) is
    a TemplateError and never opened; one too large or not UTF-8 is a TemplateError too."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def get_source(self, environment: Any, template: str) -> tuple[str, str, None]:
        path = self.folder.joinpath(*split_template_path(template))
        if not os.path.lexists(path):
            raise TemplateNotFound(template)
        where = Location(str(path))
        root = os.path.realpath(self.folder)
        real = os.path.realpath(path)
        if os.path.commonpath([root, real]) != root:
            raise TemplateError("template leads outside its folder (a symlink?)", where,
                                "a template folder may include only files inside it")
        try:  # never opens a FIFO or device; at most MAX_TEMPLATE_BYTES
            data = read_regular_file(real, MAX_TEMPLATE_BYTES, "template")
        except InputError as exc:
            sized = exc.allowed is not None and "bytes" in exc.allowed
            raise TemplateError(exc.message, where, exc.allowed if sized else
                                "a template is a regular text file") from None
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise not_utf8(data, exc, str(path), "template is ", TemplateError) from None
        return source, str(path), None  # no up-to-date check: render.py reads a template once


def _ours(path: str) -> bool:
    """A regular file (not a link) owned by this user, writable by no one else."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return True  # nothing there: a miss, and Jinja2 compiles
    except OSError:
        return False
    owner = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISREG(info.st_mode) and owner and not info.st_mode & 0o022


class PrivateBytecodeCache(FileSystemBytecodeCache):
    """Jinja2's compiled templates, only in a folder surely ours (`cache.private_dir`), each
    file checked too."""

    def _private(self, bucket: Bucket) -> bool:
        from assistant.core.cache import private_dir

        return private_dir(Path(self.directory)) is not None and \
            _ours(self._get_cache_filename(bucket))

    def load_bytecode(self, bucket: Bucket) -> None:
        if self._private(bucket):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        if self._private(bucket):
            super().dump_bytecode(bucket)


def bytecode_cache() -> PrivateBytecodeCache | None:
    """Keyed by the code that compiles templates (a changed option or limit must never meet
    code compiled under the old one); None: off."""
    import hashlib

    from assistant.core.cache import cache_dir, engine_fingerprint

    folder = cache_dir()
    if folder is None:
        return None
    here = Path(__file__).resolve()
    try:
        stats = [(p.stat().st_size, p.stat().st_mtime_ns) for p in
                 (here, here.with_name("render.py"), here.with_name("sandbox.py"))]
    except OSError:
        return None
    key = hashlib.sha256(f"{engine_fingerprint()}:{stats}".encode()).hexdigest()[:16]
    return PrivateBytecodeCache(str(folder / f"templates-{key}"))
