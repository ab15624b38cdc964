"""`spine-assist export-fhir`: the tree as an HL7 FHIR R4 Questionnaire (JSON).

Registered at import by appending to `assistant.cli._EXTRA_COMMANDS`; the work is imported
inside the handler so the command line stays fast.
"""

from __future__ import annotations

import argparse

from assistant import cli


def _register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "export-fhir",
        help="the tree as an HL7 FHIR R4 Questionnaire (answers: run --format fhir)",
        description="Write the decision tree as an HL7 FHIR R4 Questionnaire in JSON: one "
                    "group per section, enableWhen for the branching. A finished "
                    "consultation becomes the matching QuestionnaireResponse with "
                    "`spine-assist run ANSWERS --format fhir`.",
    )
    cli._add_tree(parser)
    parser.add_argument("--output", "-o", metavar="PATH",
                        help="write to this file (default: standard output)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.set_defaults(handler=cmd_export_fhir)


def cmd_export_fhir(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from assistant.core.catalog import open_tree
    from assistant.core.errors import ExitCode
    from assistant.core.fhir import questionnaire_json, unexpressed

    tree = open_tree(args.tree)
    text = questionnaire_json(tree)
    for item in unexpressed(tree):
        print(f"spine-assist: warning: '{item.question}' has no enableWhen (its branching "
              f"cannot be written as flat FHIR comparisons); a display item says it is asked "
              f"{item.condition}", file=sys.stderr)
    if args.output:
        from assistant.core.fileio import atomic_write

        atomic_write(Path(args.output), text, overwrite=args.force)
    else:
        sys.stdout.write(text)
    return ExitCode.OK


if _register not in cli._EXTRA_COMMANDS:
    cli._EXTRA_COMMANDS.append(_register)
