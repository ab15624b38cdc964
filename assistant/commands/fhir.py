"""`spine-assist export-fhir`: the tree as an HL7 FHIR R4 Questionnaire (JSON)."""

from __future__ import annotations

import argparse
import sys

from assistant.core.catalog import open_tree
from assistant.core.errors import ExitCode, terminal_safe
from assistant.core.fhir import questionnaire_json, unexpressed
from assistant.core.fileio import atomic_write


def cmd_export_fhir(args: argparse.Namespace) -> int:
    tree = open_tree(args.tree)
    text = questionnaire_json(tree)
    for item in unexpressed(tree):
        print(terminal_safe(
            f"spine-assist: warning: '{item.question}' has no enableWhen (its branching "
            f"cannot be written as flat FHIR comparisons); a display item says it is asked "
            f"{item.condition}"), file=sys.stderr)
    if args.output and args.output != "-":
        atomic_write(args.output, text, overwrite=args.force)
    else:
        sys.stdout.write(text)
    return ExitCode.OK
