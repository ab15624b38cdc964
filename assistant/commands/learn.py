"""`spine-assist train` (a trainee round in the TUI) and `spine-assist map` (the decision map).

Imported on every run, so only argparse wiring lives at module level; the work is imported
inside the handlers (Textual only by `train`).
"""

from __future__ import annotations

import argparse

from assistant import cli


def _tree_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tree", metavar="T", default=None,
                        help="a tree id from trees/ or a path (default: miss-vs-oss)")


def register(sub: argparse._SubParsersAction) -> None:
    train = sub.add_parser("train", help="practise on clinical vignettes (trainee mode)")
    _tree_option(train)
    train.add_argument("--seed", type=int, default=None, help="shuffle repeatably")
    train.add_argument("--case", metavar="ID", default=None, help="run one vignette by id")
    train.add_argument("--count", type=int, metavar="N", default=None,
                       help="how many vignettes (default 10)")
    train.add_argument("--list", action="store_true", help="list the vignettes and exit")
    train.set_defaults(handler=cmd_train)

    map_ = sub.add_parser("map", help="the decision map (the review's Table) as Markdown")
    _tree_option(map_)
    map_.set_defaults(handler=cmd_map)


def load_round_cases(tree_name: str | None):
    """The tree and its checked vignettes (an InputError when there are none)."""
    from assistant.core.catalog import open_tree, resolve_tree_path
    from assistant.core.errors import InputError, Location
    from assistant.core.vignettes import load_vignettes, vignettes_file

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
        for v in vignettes:
            print(f"{v.id}\t{v.recommendation}{' (provisional)' if v.provisional else ''}"
                  f"\t{v.title}")
        return 0
    count = args.count if args.count is not None else DEFAULT_COUNT
    cases = pick(vignettes, seed=args.seed, count=count, case=args.case)
    from assistant.tui.learn.app import run_training

    return run_training(tree, cases, seed=args.seed)


def cmd_map(args: argparse.Namespace) -> int:
    from assistant.core.decision_map import map_command

    return map_command(args.tree)


if register not in cli._EXTRA_COMMANDS:
    cli._EXTRA_COMMANDS.append(register)
