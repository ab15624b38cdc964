"""The `spine-assist` command. Headless commands never import Textual; the TUI is lazy."""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from assistant import __version__
from assistant.core.errors import ExitCode, InputError, Location, SpineAssistError, terminal_safe

if TYPE_CHECKING:  # argparse itself is imported only when there are arguments to parse
    import argparse

# The cyclic collector off: it would walk every object imported and built (~5 ms of a warm
# `run`, ~14 ms with the tree cache cold) and free none (a batch collects after a chunk in
# which a note failed). The consultation turns it on after its first frame (tui/startup.py).
GC_OFF = frozenset({"run", "check", "graph", "trees", "export-fhir", "map", "consult", "resume"})


def _error(message: str) -> None:
    print(f"spine-assist: error: {terminal_safe(message)}", file=sys.stderr)


def _add_tree(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tree", metavar="T", default=None,
                        help="a tree id from trees/ or a path (default: miss-vs-oss)")


COMMANDS = ("consult", "resume", "run", "check", "graph", "trees", "export-fhir", "train",
            "map", "serve")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """With `only`, that one subcommand: the ten parsers took ~4 ms of every start."""
    import argparse

    def wanted(name: str) -> bool:
        return only is None or only == name

    parser = argparse.ArgumentParser(
        prog="spine-assist",
        description="Guided decision support: MISS, open surgery or nonoperative care for "
                    "metastatic spine disease. Decision support only: the surgeon decides.",
    )
    parser.add_argument("--version", action="version", version=f"spine-assist {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    if wanted("consult"):
        consult = sub.add_parser("consult", help="consultation in the terminal (the default)")
        _add_tree(consult)
        consult.set_defaults(handler="cmd_consult")

    if wanted("resume"):
        resume = sub.add_parser("resume", help="list saved sessions and resume one")
        resume.add_argument("session", nargs="?", help="a session id (default: the latest)")
        resume.add_argument("--list", action="store_true", help="only list the saved sessions")
        resume.set_defaults(handler="cmd_resume")

    if wanted("run"):
        run = sub.add_parser("run", help="answer files (YAML or JSON) to notes, headless")
        run.add_argument("answers", nargs="+", metavar="ANSWERS")
        _add_tree(run)
        run.add_argument("--format", "-f", default="md",
                         choices=("md", "txt", "html", "json", "fhir"))
        run.add_argument("--output", "-o", metavar="PATH",
                         help="a file for one input ('-': standard output), a folder for several")
        run.add_argument("--templates", metavar="DIR", help="a site's own template folder")
        run.add_argument("--force", action="store_true", help="overwrite existing notes")
        run.set_defaults(handler="cmd_run")

    if wanted("check"):
        check = sub.add_parser("check", help="validate trees and their templates")
        check.add_argument("trees", nargs="*", metavar="TREE")
        check.add_argument("--templates", metavar="DIR",
                           help="also validate a site template folder")
        check.set_defaults(handler="check:cmd_check")

    if wanted("graph"):
        graph = sub.add_parser("graph", help="the tree as a Mermaid or DOT diagram")
        _add_tree(graph)
        graph.add_argument("--answers", metavar="F", help="highlight the path of this answer file")
        graph.add_argument("--format", "-f", default="mermaid", choices=("mermaid", "dot"))
        graph.set_defaults(handler="cmd_graph")

    if wanted("trees"):
        trees = sub.add_parser("trees", help="list the trees available")
        trees.set_defaults(handler="cmd_trees")

    if wanted("export-fhir"):
        fhir = sub.add_parser(
            "export-fhir",
            help="the tree as an HL7 FHIR R4 Questionnaire (answers: run --format fhir)",
            description="Write the decision tree as an HL7 FHIR R4 Questionnaire in JSON: one "
                        "group per section, enableWhen for the branching. A finished "
                        "consultation becomes the matching QuestionnaireResponse with "
                        "`spine-assist run ANSWERS --format fhir`.",
        )
        _add_tree(fhir)
        fhir.add_argument("--output", "-o", metavar="PATH",
                          help="write to this file (default, or '-': standard output)")
        fhir.add_argument("--force", action="store_true", help="overwrite an existing file")
        fhir.set_defaults(handler="fhir:cmd_export_fhir")

    if wanted("train"):
        train = sub.add_parser("train", help="practise on clinical vignettes (trainee mode)")
        _add_tree(train)
        train.add_argument("--seed", type=int, default=None, help="shuffle repeatably")
        train.add_argument("--case", metavar="ID", default=None, help="run one vignette by id")
        train.add_argument("--count", type=int, metavar="N", default=None,
                           help="how many vignettes (default 10)")
        train.add_argument("--list", action="store_true", help="list the vignettes and exit")
        train.set_defaults(handler="learn:cmd_train")

    if wanted("map"):
        map_ = sub.add_parser("map", help="the decision map (the review's Table) as Markdown")
        _add_tree(map_)
        map_.set_defaults(handler="learn:cmd_map")

    if wanted("serve"):
        serve = sub.add_parser("serve", help="the consultation in a web browser (textual-serve)")
        serve.add_argument("--host", default="127.0.0.1",
                           help="address to listen on (default 127.0.0.1: this machine only)")
        serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        serve.add_argument("--public-url", metavar="URL", default=None,
                           help="the address browsers use, when behind a proxy")
        serve.add_argument("--token", default=None,
                           help="a secret every browser must present (made up when not local)")
        serve.add_argument("--max-sessions", type=int, metavar="N", default=None,
                           help="at most this many consultations at once")
        serve.set_defaults(handler="cmd_serve")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list:  # the everyday start: `consult`, without building the whole parser
        args: Any = SimpleNamespace(command="consult", tree=None, handler="cmd_consult")
    else:
        if args_list[0] == "--tree" or args_list[0].startswith("--tree="):
            args_list.insert(0, "consult")  # `spine-assist --tree T` consults on T
        parser = build_parser(args_list[0] if args_list[0] in COMMANDS else None)
        args = parser.parse_args(args_list)
        if not getattr(args, "handler", None):
            parser.print_help()
            return ExitCode.BAD_INPUT
    collecting = gc.isenabled()
    if args.command in GC_OFF:
        gc.disable()
    try:
        if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
            from assistant.core.clock import now_utc

            now_utc()  # a bad value is refused here, before any work or the terminal
        return int(_handler(args.handler)(args))
    except SpineAssistError as exc:
        _error(str(exc))
        return ExitCode.BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as exc:  # the last line of defence: one line, no traceback
        if os.environ.get("SPINE_ASSIST_DEBUG"):
            raise
        _error(f"unexpected {type(exc).__name__}: {exc} (set SPINE_ASSIST_DEBUG=1 for details)")
        return ExitCode.UNEXPECTED
    finally:
        if collecting:
            gc.enable()


# ---------------------------------------------------------------------------- handlers
def _handler(name: str) -> Callable[[argparse.Namespace], int]:
    """`cmd_x` here, or `module:function` in assistant.commands, imported only when run."""
    module, _, function = name.rpartition(":")
    if not module:
        return globals()[function]
    return getattr(importlib.import_module(f"assistant.commands.{module}"), function)


def cmd_consult(args: argparse.Namespace) -> int:
    from assistant.core.catalog import open_tree

    tree = open_tree(args.tree)  # bad trees fail here, before the terminal is taken over
    from assistant.tui.launch import run_app

    return run_app(tree)


def cmd_resume(args: argparse.Namespace) -> int:
    if args.list:
        from assistant.commands.resume import list_sessions

        return list_sessions()
    from assistant.tui.launch import run_resume

    return run_resume(args.session)


def cmd_run(args: argparse.Namespace) -> int:
    from assistant.core.batch import run_batch

    return run_batch(
        [Path(a) for a in args.answers], tree_name=args.tree, fmt=args.format,
        output=Path(args.output) if args.output is not None else None,
        templates=args.templates, force=args.force,
    )


def cmd_graph(args: argparse.Namespace) -> int:
    from assistant.core.catalog import open_tree
    from assistant.core.graph import render_graph

    tree = open_tree(args.tree)
    path: list[str] = []
    reached = None
    if args.answers:
        from assistant.core.headless import run_file

        result = run_file(tree, args.answers).outcome
        path, reached = list(result.walk.path), result.recommendation
    sys.stdout.write(render_graph(tree, args.format, path, reached))
    return ExitCode.OK


def cmd_trees(args: argparse.Namespace) -> int:
    from assistant.core.catalog import tree_files
    from assistant.core.loader import load_tree

    status = ExitCode.OK
    for file in tree_files():
        try:
            tree = load_tree(file)
        except InputError as exc:
            _error(str(exc))
            status = ExitCode.BAD_INPUT
            continue
        fields = (tree.id, tree.version, f"{len(tree.questions)} questions", tree.title, file)
        print("\t".join(terminal_safe(str(field)) for field in fields))
    return status


def cmd_serve(args: argparse.Namespace) -> int:
    """Textual, textual-serve and aiohttp are imported only here."""
    try:
        from assistant.web.server import serve
    except ModuleNotFoundError as exc:
        if exc.name not in ("assistant.web", "assistant.web.server", "textual_serve", "aiohttp"):
            raise
        raise InputError(f"the browser server is not available ({exc.name} is missing)",
                         Location("serve"), "install spine-assist with its web extra") from None
    return int(serve(args))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
