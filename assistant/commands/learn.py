"""`spine-assist train` (a trainee round in the TUI) and `spine-assist map` (the decision map).

Textual is imported only by `train`, once its cases are known to be good.
"""

from __future__ import annotations

import argparse
import sys

from assistant.core.catalog import open_tree, resolve_tree_path
from assistant.core.errors import InputError, Location, terminal_safe
from assistant.core.model import Tree
from assistant.core.vignettes import Vignette, load_vignettes, vignettes_file


def load_round_cases(tree_name: str | None) -> tuple[Tree, list[Vignette]]:
    """The tree and its checked vignettes (an InputError when there are none)."""
    tree = open_tree(tree_name)
    file = vignettes_file(resolve_tree_path(tree_name))
    if not file.exists():
        raise InputError(f"tree '{tree.id}' has no vignettes", Location(str(file)),
                         "write them in this file")
    return tree, load_vignettes(tree, file)


def cmd_train(args: argparse.Namespace) -> int:
    from assistant.core.training import DEFAULT_COUNT, pick

    tree, vignettes = load_round_cases(args.tree)
    if args.list:
        for v in vignettes:  # never the expected answer: the list is what a trainee sees
            print(f"{terminal_safe(v.id)}\t{terminal_safe(v.title)}")
        return 0
    count = args.count if args.count is not None else DEFAULT_COUNT
    cases = pick(vignettes, seed=args.seed, count=count, case=args.case)
    from assistant.tui.learn.app import run_training

    return run_training(tree, cases, seed=args.seed)


def cmd_map(args: argparse.Namespace) -> int:
    from assistant.core.decision_map import to_markdown

    sys.stdout.write(to_markdown(open_tree(args.tree)))
    return 0
