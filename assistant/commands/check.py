"""`spine-assist check`: trees load, are sound, render every format on every outcome, and
their vignettes derive what they expect.

Nothing to check is exit 2, never a silent success: a `check` that found no tree once passed
on an install that shipped none.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from assistant.core import paths
from assistant.core.cache import gc_paused
from assistant.core.catalog import resolve_tree_path, tree_files
from assistant.core.errors import ExitCode, InputError, Location, TemplateError, error_line
from assistant.core.errors import terminal_safe as safe
from assistant.core.lint import check_templates, count_paths, format_count
from assistant.core.loader import load_tree
from assistant.core.model import Tree
from assistant.core.vignettes import check_vignettes


@dataclass
class Report:
    tree: Tree
    paths: int
    questions: int


def check_tree(path: Path, templates: str | None = None) -> Report:
    # The whole check paused, not only the building: with a large tree alive each full pass
    # walks all of it, so the time grew faster than the tree (the checks leave no cycles).
    with gc_paused():
        tree = load_tree(path, cached=False)  # proved now, whatever a cache holds
        check_templates(tree, templates)
        return Report(tree, count_paths(tree), len(tree.questions))


def cmd_check(args: argparse.Namespace) -> int:
    templates: str | None = args.templates
    files = [resolve_tree_path(n) for n in args.trees] if args.trees else tree_files()
    if templates is not None and not Path(templates).is_dir():
        raise TemplateError("the template folder does not exist", Location(templates))
    if not files:
        folder = paths.trees_dir()
        found = "holds no tree file" if folder.is_dir() else "does not exist"
        raise InputError(f"no tree to check: the folder {found}", Location(str(folder)),
                         "name a tree file, or set SPINE_ASSIST_TREES to a folder of trees")
    status = ExitCode.OK
    for file in files:
        try:
            report = check_tree(file, templates)
            tree = report.tree
            print(safe(f"ok: {file}: tree '{tree.id}' {tree.version}: {report.questions} "
                       f"questions, {len(tree.factors)} factors, {len(tree.outcomes)} "
                       f"outcomes, {format_count(report.paths)} paths"))
            line = check_vignettes(tree, file)
        except InputError as exc:
            print(error_line(exc), file=sys.stderr)
            status = ExitCode.BAD_INPUT
            continue
        if line:
            print(safe(line))
    return status
