"""`spine-assist train` and `spine-assist map`. Textual is imported only by `train`, once its
cases are known to be good.
"""

from __future__ import annotations

import argparse
import sys

from assistant.core.catalog import open_tree, resolve_tree_path
from assistant.core.errors import InputError, Location, terminal_safe
from assistant.core.vignettes import load_vignettes, vignettes_file


def cmd_train(args: argparse.Namespace) -> int:
    from assistant.core.training import DEFAULT_COUNT, pick

    tree = open_tree(args.tree)
    file = vignettes_file(resolve_tree_path(args.tree))
    if not file.exists():
        raise InputError(f"tree '{tree.id}' has no vignettes", Location(str(file)),
                         "write them in this file")
    vignettes = load_vignettes(tree, file)
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
