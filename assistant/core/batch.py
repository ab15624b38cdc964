"""`spine-assist run`: one or many answer files to notes, each failure reported by file.

An output is never an input, and never anything but a regular file: `-o` onto an answer
file, or a folder where a note would replace an answer file, is refused whatever --force
says (the answers are what the note is made from).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from assistant.core.cache import gc_paused
from assistant.core.catalog import open_tree
from assistant.core.errors import ExitCode, InputError, Location, error_line, terminal_safe
from assistant.core.fileio import atomic_write, check_output, sync_folder
from assistant.core.headless import run_file
from assistant.core.model import Tree
from assistant.core.render import EXTENSIONS, render
from assistant.core.result import Outcome

STDOUT = Path("-")  # `-o -`: the note on standard output
_CHUNK = 64  # notes made between two collections of cyclic garbage


def note_for(tree: Tree, answers: Path, fmt: str, templates: str | None) -> tuple[str, list[str]]:
    """Render one answer file; returns the note and its warnings."""
    result = run_file(tree, answers)
    return _note_maker(fmt, templates)(result.outcome), result.warnings


def run_batch(
    inputs: list[Path], *, tree_name: str | None, fmt: str, output: Path | None,
    templates: str | None, force: bool,
) -> int:
    tree = open_tree(tree_name)
    if templates is not None and not Path(templates).is_dir():
        raise InputError("the template folder does not exist", Location(templates))
    if output == STDOUT:
        if len(inputs) > 1:
            raise InputError(f"{len(inputs)} notes cannot go to standard output",
                             Location("-"), "--output FOLDER for several answer files")
        output = None
    if len(inputs) == 1 and (output is None or not os.path.isdir(output)):
        return _one(tree, inputs[0], fmt, output, templates, force)
    if output is None:
        raise InputError(f"{len(inputs)} answer files need --output FOLDER",
                         Location(str(inputs[0])), "a folder for the notes")
    if os.path.lexists(output) and not os.path.isdir(output):
        raise InputError("--output must be a folder for several answer files",
                         Location(str(output)))
    return _many(tree, inputs, fmt, output, templates, force)


def _one(tree: Tree, source: Path, fmt: str, output: Path | None, templates: str | None,
         force: bool) -> int:
    if output is not None:
        key = _identity(source)
        _refuse_input_as_output(output, {key: source} if key else {})
        check_output(output)
    note, warnings = note_for(tree, source, fmt, templates)
    for warning in warnings:
        print(terminal_safe(warning), file=sys.stderr)
    if output is None:
        sys.stdout.write(note)
    else:
        atomic_write(output, note, overwrite=force)
    return ExitCode.OK


def _many(tree: Tree, inputs: list[Path], fmt: str, output: Path, templates: str | None,
          force: bool) -> int:
    extension = EXTENSIONS.get(fmt, ".fhir.json")
    make_note = _note_maker(fmt, templates)
    sources = {key: source for source in inputs if (key := _identity(source)) is not None}
    failed = 0
    seen: dict[str, Path] = {}
    show_progress = sys.stderr.isatty()
    total = len(inputs)
    for start in range(0, total, _CHUNK):
        # Making a note leaves no cyclic garbage, yet the thousands of dicts and lists each
        # one makes would set the collector off again and again (why: about a tenth of a
        # batch's time); a file that fails leaves a cycle (its traceback), collected after.
        with gc_paused():
            for index, source in enumerate(inputs[start:start + _CHUNK], start + 1):
                target = output / f"{source.stem}{extension}"
                try:
                    if str(target) in seen:
                        raise InputError(f"would write the same note as {seen[str(target)]}",
                                         Location(str(source)), "give answer files distinct names")
                    seen[str(target)] = source
                    _refuse_input_as_output(target, sources)
                    result = run_file(tree, source)
                    note = make_note(result.outcome)
                    for warning in result.warnings:
                        print(terminal_safe(warning), file=sys.stderr)
                    atomic_write(target, note, overwrite=force, durable=False)
                except InputError as exc:
                    failed += 1
                    if show_progress:
                        print("\r\033[K", end="", file=sys.stderr)
                    print(error_line(exc), file=sys.stderr)
                if show_progress:
                    print(f"\r\033[K[{index}/{total}] {terminal_safe(source.name)}", end="",
                          file=sys.stderr)
    if total - failed:
        sync_folder(output)
    if show_progress:
        print(file=sys.stderr)
    written = total - failed
    print(terminal_safe(f"{written} of {total} notes written to {output}") +
          (f"; {failed} failed" if failed else ""), file=sys.stderr)
    return ExitCode.BAD_INPUT if failed else ExitCode.OK


def _note_maker(fmt: str, templates: str | None) -> Callable[[Outcome], str]:
    if fmt == "fhir":
        def fhir_note(outcome: Outcome) -> str:
            from assistant.core.fhir import questionnaire_response_json

            return questionnaire_response_json(outcome, templates)
        return fhir_note
    return lambda outcome: render(outcome, fmt, templates)


def _identity(path: Path) -> tuple[int, int] | None:
    """The file a path names (links and all), or None when there is none."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _refuse_input_as_output(target: Path, sources: dict[tuple[int, int], Path]) -> None:
    key = _identity(target)
    if key is not None and key in sources:
        raise InputError(f"the note would replace its answer file {sources[key]}",
                         Location(str(target)), "an output that is not one of the inputs")
