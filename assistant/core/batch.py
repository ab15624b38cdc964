"""`spine-assist run`: one or many answer files to notes, each failure reported by file."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.core.answers import answers_from_quick
from assistant.core.cache import gc_paused
from assistant.core.catalog import open_tree
from assistant.core.errors import ExitCode, InputError, Location
from assistant.core.fileio import LeanWriter, atomic_write, sync_folder
from assistant.core.headless import HeadlessRun, evaluate_walk, run_file, walk_answers
from assistant.core.model import Tree
from assistant.core.render import EXTENSIONS, staged_renderer
from assistant.core.source import read_text

# Every `run` reads answer files, and reading them needs PyYAML's scalar rules (the
# consultation's start, which never imports this module, is what keeps PyYAML lazy).
from assistant.core.yamlio import quick_values


def note_for(tree: Tree, answers: Path, fmt: str, templates: str | None) -> tuple[str, list[str]]:
    """Render one answer file; returns the note and its warnings."""
    result = run_file(tree, answers)
    if fmt == "fhir":
        from assistant.core.fhir import questionnaire_response_json

        return questionnaire_response_json(result.outcome, templates), result.warnings
    from assistant.core.render import render

    return render(result.outcome, fmt, templates), result.warnings


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
    prepare, finish = _note_maker(fmt, templates)
    # Notes are made a stage at a time over a few dozen files (read all, parse all, replay
    # all, render all): each stage's code stays hot, which makes a batch about a fifth
    # faster. Messages, writes and progress still go file by file, in order, exactly as one
    # at a time would. Inputs in the output folder (a note could replace one before it is
    # read) go singly.
    chunk = 1 if _reads_from(inputs, output) else _CHUNK
    failed = 0
    seen: dict[str, Path] = {}
    show_progress = sys.stderr.isatty()
    total = len(inputs)
    folder = os.fspath(output)
    writer = LeanWriter(force)
    for start in range(0, total, chunk):
        jobs = [_Job(source, os.path.join(folder, f"{source.stem}{extension}"))
                for source in inputs[start:start + chunk]]
        for job in jobs:
            if job.target in seen:
                job.fail(InputError(f"would write the same note as {seen[job.target]}",
                                    Location(str(job.source)), "give answer files distinct names"))
            else:
                seen[job.target] = job.source
        # Making a note leaves no cyclic garbage (a test holds it to that), yet the
        # thousands of dicts and lists each note makes would set the collector off again
        # and again; a file that fails leaves a cycle (its traceback), collected after.
        with gc_paused():
            _make_notes(jobs, tree, prepare, finish)
        for index, job in enumerate(jobs, start + 1):
            try:
                if job.error is not None:
                    raise job.error
                note, warnings = job.result
                for warning in warnings:
                    print(warning, file=sys.stderr)
                atomic_write(job.target, note, overwrite=force, durable=False, writer=writer)
            except InputError as exc:
                failed += 1
                if show_progress:
                    print("\r\033[K", end="", file=sys.stderr)
                print(f"spine-assist: error: {exc}", file=sys.stderr)
            if show_progress:
                print(f"\r\033[K[{index}/{total}] {job.source.name}", end="", file=sys.stderr)
    if total - failed:
        sync_folder(output)
    if show_progress:
        print(file=sys.stderr)
    written = total - failed
    print(f"{written} of {total} notes written to {output}" +
          (f"; {failed} failed" if failed else ""), file=sys.stderr)
    return ExitCode.BAD_INPUT if failed else ExitCode.OK


_CHUNK = 64


def _make_notes(jobs: list[_Job], tree: Tree, prepare: Callable[[HeadlessRun], Any],
                finish: Callable[[Any], str]) -> None:
    """Each job's (note, warnings), or what stopped it, a stage at a time."""
    _stage(jobs, lambda job: read_text(job.source, "answer file"))
    _stage(jobs, lambda job: (job.result, quick_values(job.result, job.name)))
    _stage(jobs, lambda job: answers_from_quick(tree, *job.result, job.name))
    _stage(jobs, lambda job: walk_answers(tree, job.result))
    _stage(jobs, lambda job: evaluate_walk(tree, *job.result))
    _stage(jobs, lambda job: (prepare(job.result), job.result.warnings))
    _stage(jobs, lambda job: (finish(job.result[0]), job.result[1]))


class _Job:
    """One answer file on its way to a note: the last stage's result, or what stopped it."""

    __slots__ = ("error", "name", "result", "source", "target")

    def __init__(self, source: Path, target: str) -> None:
        self.source = source
        self.name = str(source)
        self.target = target
        self.result: Any = None
        self.error: BaseException | None = None

    def fail(self, error: BaseException) -> None:
        self.error = error


def _stage(jobs: list[_Job], step: Callable[[_Job], Any]) -> None:
    """Run one step on every job still going; anything raised waits for its file's turn."""
    for job in jobs:
        if job.error is None:
            try:
                job.result = step(job)
            except Exception as exc:  # raised again, in order, when this file is reported
                job.error = exc


def _note_maker(fmt: str, templates: str | None) -> tuple[Callable[[HeadlessRun], Any],
                                                         Callable[[Any], str]]:
    """A note in two steps, `finish(prepare(result))` (see `staged_renderer`)."""
    if fmt == "fhir":
        def fhir_note(result: HeadlessRun) -> str:
            from assistant.core.fhir import questionnaire_response_json

            return questionnaire_response_json(result.outcome, templates)
        return fhir_note, str
    prepare, finish = staged_renderer(fmt, templates)
    return lambda result: prepare(result.outcome), finish


def _reads_from(inputs: list[Path], output: Path) -> bool:
    """Whether any input sits in the output folder (compared as files, links and all)."""
    try:
        out = os.stat(output)
    except OSError:
        return False  # not made yet: nothing can be read from it
    folders = {os.path.dirname(os.path.abspath(source)) for source in inputs}
    for folder in folders:
        try:
            here = os.stat(folder)
        except OSError:
            continue
        if (here.st_dev, here.st_ino) == (out.st_dev, out.st_ino):
            return True
    return False
