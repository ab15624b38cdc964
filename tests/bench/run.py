"""The speed benchmark: issue 13's budgets, each measured as the user sees it.

    python -m tests.bench                 # everything, writes RESULTS.md (under 10 minutes)
    python -m tests.bench --only 2 6      # some figures (1 to 7)
    python -m tests.bench --quick         # few repeats: a smoke test of the harness

Prints a table, writes tests/bench/RESULTS.md (unless --no-write, and never for --quick)
and exits 1 when a budget is missed. Never part of pytest's run (see conftest.py here).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tests.bench import headless, tui
from tests.bench.common import HERE, INFO, ROOT, Row, workspace
from tests.bench.results import RESULTS, write_readme, write_results

COMMAND = "python -m tests.bench"


def browser(base: Path, quick: bool) -> list[Row]:
    """Figure 7, from tests/bench/browser.py's `measure()` when that module exists."""
    if not (HERE / "browser.py").exists():
        return [Row("7. Browser: start to the first question", "-", "-", None, "-", True,
                    "skipped: tests/bench/browser.py is not there")]
    spec = importlib.util.find_spec("tests.bench.browser")
    if spec is None or spec.loader is None:
        raise ImportError("tests.bench.browser cannot be imported")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result: Any = module.measure(base, quick)
    found = result if isinstance(result, list) else [result]
    return [Row(**{k: r[k] for k in ("figure", "measured", "reference", "ratio", "budget",
                                     "ok")}, note=r.get("note", "")) for r in found]


Figure = Callable[[Path, argparse.Namespace], Row | list[Row]]
FIGURES: dict[str, list[Figure]] = {
    "1": [lambda base, a: tui.figure_start(base, 3 if a.quick else 11, cold=False),
          lambda base, a: tui.figure_start(base, 3 if a.quick else 7, cold=True)],
    "2": [lambda base, a: tui.figure_keys(base, 1, tui.KEY_FILES[-1:]) if a.quick
          else tui.figure_keys(base, 2)],
    "3": [lambda base, a: headless.figure_run(base, 5 if a.quick else 15, "warm"),
          lambda base, a: headless.figure_run(base, 3 if a.quick else 9, "tree"),
          lambda base, a: headless.figure_heavy(base),
          lambda base, a: headless.figure_run(base, 3 if a.quick else 5, "none")],
    "4": [lambda base, a: headless.figure_batch(base, 1000, 1 if a.quick else 3)],
    "5": [lambda base, a: headless.figure_check(base, (500, 5000), 1 if a.quick else 5)],
    "6": [lambda base, a: tui.figure_memory(base)],
    "7": [lambda base, a: browser(base, a.quick)],
}


def table(rows: list[Row]) -> str:
    lines = ["| Figure | spine-assist | Reference | Ratio | Budget | Result |",
             "|---|---|---|---|---|---|"]
    for row in rows:
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else "-"
        verdict = "pass" if row.ok else "**FAIL**"
        if row.note.startswith("skipped"):
            verdict = "skipped"
        elif row.budget == INFO:
            verdict = "-"
        lines.append(f"| {row.figure} | {row.measured} | {row.reference} | {ratio} | "
                     f"{row.budget} | {verdict} |")
    return "\n".join(lines)


def measure(key: str, figure: Figure, base: Path, args: argparse.Namespace) -> list[Row]:
    try:
        result = figure(base, args)
    except Exception as exc:  # a figure that cannot be measured is a failure, not a crash
        return [Row(f"{key}. (could not be measured)", "-", "-", None, "-", False,
                    f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}")]
    return result if isinstance(result, list) else [result]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=sorted(FIGURES), metavar="N",
                        help="these figures only (1 start, 2 keys, 3 run, 4 batch, 5 check, "
                             "6 memory, 7 browser); the README's table is left as it is")
    parser.add_argument("--quick", action="store_true",
                        help="few repeats, one consultation (smoke test; RESULTS.md untouched)")
    parser.add_argument("--no-write", action="store_true",
                        help="do not rewrite RESULTS.md (nor the README's table)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    date = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    rows: list[Row] = []
    with workspace() as base:
        for key in args.only or sorted(FIGURES):
            print(f"figure {key} ...", file=sys.stderr, end=" ", flush=True)
            begun = time.monotonic()
            for figure in FIGURES[key]:
                rows.extend(measure(key, figure, base, args))
            print(f"{time.monotonic() - begun:.0f} s", file=sys.stderr, flush=True)
    seconds = time.monotonic() - started
    print(table(rows))
    for row in rows:
        if row.note:
            print(f"  {row.figure}: {row.note}")
    judged = [r for r in rows if r.budget != INFO]
    print(f"\n{sum(r.ok for r in judged)}/{len(judged)} budgets met in {seconds:.0f} s")
    if not (args.no_write or args.quick):
        write_results(table(rows), rows, date, seconds, f"{COMMAND}"
                      + (f" --only {' '.join(args.only)}" if args.only else ""))
        print(f"written to {RESULTS.relative_to(ROOT)}")
        if not args.only:  # the README's table comes from a full run only
            write_readme(rows, date)
            print("README.md's speed table rewritten")
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
