"""`spine-assist run`: one or many answer files to notes, each failure reported by file."""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
from pathlib import Path

from assistant.core.catalog import open_tree
from assistant.core.errors import ExitCode, InputError, Location
from assistant.core.fileio import atomic_write, sync_folder
from assistant.core.headless import run_file
from assistant.core.model import Tree
from assistant.core.render import EXTENSIONS


def note_for(tree: Tree, answers: Path, fmt: str, templates: str | None) -> tuple[str, list[str]]:
    """Render one answer file; returns the note and its warnings."""
    result = run_file(tree, answers)
    if fmt == "fhir":
        from assistant.core.fhir import questionnaire_response_json

        return questionnaire_response_json(result.outcome, templates), result.warnings
    from assistant.core.render import render

    return render(result.outcome, fmt, templates), result.warnings


_names = itertools.count()


def _quick_write(target: Path, note: str, overwrite: bool) -> bool:
    """`atomic_write(target, note, overwrite=..., durable=False)` in its usual case, leaner.

    The same steps (a new temporary file beside the note, then a rename, or a hard link
    when nothing may be overwritten) without the checks and the text layer that together
    cost a third of rendering a note. Anything unusual (no folder yet, a directory in the
    way, an existing note, a full disk) returns False: `atomic_write` then does the work
    again and words any error.
    """
    tmp = os.path.join(target.parent, f".{target.name}.{os.getpid()}.{next(_names)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(note.encode("utf-8"))
        if overwrite:
            os.replace(tmp, target)
        else:
            os.link(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            return False
        raise
    if not overwrite:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return True


def run_batch(
    inputs: list[Path], *, tree_name: str | None, fmt: str, output: Path | None,
    templates: str | None, force: bool,
) -> int:
    tree = open_tree(tree_name)
    if templates is not None and not Path(templates).is_dir():
        raise InputError("the template folder does not exist", Location(templates))
    if len(inputs) == 1 and (output is None or not output.is_dir()):
        note, warnings = note_for(tree, inputs[0], fmt, templates)
        for warning in warnings:
            print(warning, file=sys.stderr)
        if output is None:
            sys.stdout.write(note)
        else:
            atomic_write(output, note, overwrite=force)
        return ExitCode.OK
    if output is None:
        raise InputError(f"{len(inputs)} answer files need --output FOLDER",
                         Location(str(inputs[0])), "a folder for the notes")
    if output.exists() and not output.is_dir():
        raise InputError("--output must be a folder for several answer files",
                         Location(str(output)))
    extension = EXTENSIONS.get(fmt, ".fhir.json")
    failed = 0
    seen: dict[Path, Path] = {}
    show_progress = sys.stderr.isatty()
    total = len(inputs)
    for index, source in enumerate(inputs, 1):
        target = output / f"{source.stem}{extension}"
        try:
            if target in seen:
                raise InputError(f"would write the same note as {seen[target]}",
                                 Location(str(source)), "give answer files distinct names")
            seen[target] = source
            note, warnings = note_for(tree, source, fmt, templates)
            for warning in warnings:
                print(warning, file=sys.stderr)
            if not _quick_write(target, note, force):
                atomic_write(target, note, overwrite=force, durable=False)  # one sync at the end
        except InputError as exc:
            failed += 1
            if show_progress:
                print("\r\033[K", end="", file=sys.stderr)
            print(f"spine-assist: error: {exc}", file=sys.stderr)
        if show_progress:
            print(f"\r\033[K[{index}/{total}] {source.name}", end="", file=sys.stderr)
    if total - failed:
        sync_folder(output)
    if show_progress:
        print(file=sys.stderr)
    written = total - failed
    print(f"{written} of {total} notes written to {output}" +
          (f"; {failed} failed" if failed else ""), file=sys.stderr)
    return ExitCode.BAD_INPUT if failed else ExitCode.OK
