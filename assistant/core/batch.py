"""`spine-assist run`: one or many answer files to notes, each failure reported by file.

An output is never an input, and never anything but a regular file: `-o` onto an answer
file, or a folder where a note would replace an answer file, is refused whatever --force
says (the answers are what the note is made from).
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from assistant.core.cache import gc_paused
from assistant.core.catalog import open_tree
from assistant.core.errors import ExitCode, InputError, Location, error_line, terminal_safe
from assistant.core.fileio import atomic_write, check_output, sync_folder
from assistant.core.headless import run_file
from assistant.core.model import Tree
from assistant.core.records import Record
from assistant.core.render import EXTENSIONS, render
from assistant.core.result import Outcome

STDOUT = Path("-")  # `-o -`: the note on standard output
_CHUNK = 32  # notes made between two collections of cyclic garbage; a worker's share
_MAX_WORKERS = 8


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
    result = run_file(tree, source)
    note = _note_maker(fmt, templates)(result.outcome)
    for warning in result.warnings:
        print(terminal_safe(warning), file=sys.stderr)
    if output is None:
        sys.stdout.write(note)
    else:
        atomic_write(output, note, overwrite=force)
    return ExitCode.OK


def _many(tree: Tree, inputs: list[Path], fmt: str, output: Path, templates: str | None,
          force: bool) -> int:
    extension = EXTENSIONS.get(fmt, ".fhir.json")
    sources = {key: source for source in inputs if (key := _identity(source)) is not None}
    seen: dict[str, int] = {}
    jobs: list[_Job] = []
    for index, source in enumerate(inputs):
        target = output / f"{source.stem}{extension}"
        first = seen.setdefault(str(target), index)
        jobs.append((source, target, None if first == index else
                     f"would write the same note as {inputs[first]}"))
    global _BATCH
    _BATCH = _Batch(tree, _note_maker(fmt, templates), sources, force, jobs)
    try:
        failed = _report(inputs, [(i, min(i + _CHUNK, len(jobs)))
                                  for i in range(0, len(jobs), _CHUNK)])
    finally:
        _BATCH = None
    written = len(inputs) - failed
    if written:
        sync_folder(output)
    print(terminal_safe(f"{written} of {len(inputs)} notes written to {output}") +
          (f"; {failed} failed" if failed else ""), file=sys.stderr)
    return ExitCode.BAD_INPUT if failed else ExitCode.OK


def _report(inputs: list[Path], chunks: list[tuple[int, int]]) -> int:
    """Report each file in order (warnings, error, progress on a terminal); how many failed."""
    failed = 0
    show_progress = sys.stderr.isatty()
    total = len(inputs)
    with _workers(len(chunks)) as pool:
        done = pool.imap(_make_notes, chunks) if pool else map(_make_notes, chunks)
        for index, (source, (error, warnings)) in enumerate(
                zip(inputs, (item for chunk in done for item in chunk), strict=True), 1):
            for warning in warnings:
                print(terminal_safe(warning), file=sys.stderr)
            if error is not None:
                failed += 1
                if show_progress:
                    print("\r\033[K", end="", file=sys.stderr)
                print(error, file=sys.stderr)
            if show_progress:
                print(f"\r\033[K[{index}/{total}] {terminal_safe(source.name)}", end="",
                      file=sys.stderr)
    if show_progress:
        print(file=sys.stderr)
    return failed


_Job = tuple[Path, Path, str | None]  # answer file, note, why it may not be written


class _Batch(Record):
    """What every note of a batch shares; a worker process has it from its parent (fork),
    so a chunk is sent to it as two numbers."""

    tree: Tree
    make_note: Callable[[Outcome], str]
    sources: dict[tuple[int, int], Path]
    force: bool
    jobs: list[_Job]


_BATCH: _Batch | None = None


def _make_notes(span: tuple[int, int]) -> list[tuple[str | None, list[str]]]:
    """Per job in `span`: its error line (None when written) and warnings. The collector is
    paused (a tenth of a batch's time): a note leaves no cyclic garbage, only a failure does
    (its traceback), collected after the chunk."""
    batch = _BATCH
    assert batch is not None
    out: list[tuple[str | None, list[str]]] = []
    with gc_paused():
        for source, target, refused in batch.jobs[span[0]:span[1]]:
            warnings: list[str] = []
            try:
                if refused:
                    raise InputError(refused, Location(str(source)),
                                     "give answer files distinct names")
                _refuse_input_as_output(target, batch.sources)
                result = run_file(batch.tree, source)
                warnings = result.warnings
                note = batch.make_note(result.outcome)
                atomic_write(target, note, overwrite=batch.force, durable=False)
            except InputError as exc:
                out.append((error_line(exc), warnings))
                continue
            out.append((None, warnings))
    if any(error for error, _ in out):
        gc.collect()  # the collector may be off for the whole command (cli.GC_OFF)
    return out


@contextlib.contextmanager
def _workers(chunks: int) -> Iterator[Any]:
    """A process per core (on two cores a batch takes about half the time), forked so each
    has the tree already (each imports PyYAML and Jinja2 itself: importing them here first
    was slower); None for one chunk, one core, or no fork."""
    count = min(os.cpu_count() or 1, chunks, _MAX_WORKERS)
    if count < 2:
        yield None
        return
    import multiprocessing  # here: a run of one note does without it (~5 ms of start-up)

    if "fork" not in multiprocessing.get_all_start_methods():
        yield None
        return
    with multiprocessing.get_context("fork").Pool(count, _worker_signals) as pool:
        yield pool
        pool.close()  # every note made: the workers finish on their own, no signal sent
        pool.join()


def _worker_signals() -> None:
    """Ctrl-C is the parent's (no traceback per worker); SIGTERM raises SystemExit, so a note
    being written is rolled back (atomic_write removes its temporary file)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)


def _stop(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


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
