"""RESULTS.md: one dated run, the machine and its load, and how each figure is measured."""

from __future__ import annotations

import os
import platform

from tests.bench.common import HERE, INFO, Row
from tests.bench.keys import QUIET

RESULTS = HERE / "RESULTS.md"
LOAD_AT_START = os.getloadavg()[0]


def machine() -> str:
    import textual

    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores ({cpu}), "
            f"{memory:.0f} GiB, Python {platform.python_version()}, Textual "
            f"{textual.__version__}")


HOW = f"""\
Every figure is taken the way a user meets it: the installed `spine-assist` command in a
fresh process, the screen a real pseudo-terminal of 80x24 read by the bench
(`ptyterm.py`; TERM=xterm-256color, COLORTERM=truecolor, as most terminals today), never
a stamp taken inside the program. Where there is a reference, it is
measured in the same run, interleaved with the app (pairs back to back, the order
alternating), and the ratio is the median of the pairs' ratios, because load elsewhere on
the machine slows both runs of a pair. Each run gets a new state folder (nothing to resume).

1. **Cold start to the first question**: from fork until the first question's prompt (or
   the case label the app asks first) has reached the terminal. The reference is a
   minimal Textual app with a header, one line of text and a four-item `OptionList`
   (`ref_app.py minimal`). 1a: the tree cache is warm, as after any earlier use (one
   unmeasured run first). 1b: every app run gets a new, empty cache folder, as on a first
   launch after an install (the tree is read, validated and cached).
2. **Key press to the next question painted (2a) and to the screen settled (2b)**: whole
   consultations (three answer files, twice) typed key by key into the pty, as a person
   types them (digits pick or tick, `s` skips, ctrl+u, text and Enter in a field). The
   clock starts when the bench writes the answer's key to the terminal. *Painted*: the
   output chunk that makes the next question's prompt visible has been read. *Settled*:
   the last output chunk the key caused (question, transcript echo, footer, side panel)
   has been read, the program then writing nothing for {QUIET * 1000:.0f} ms. A terminal
   changes only when the program writes, so that is the screen unchanged. A text cursor's
   blink (every 0.5 s, restarted by each key and focus) falls outside the window unless
   the key's own output goes on past 0.25 s. A case label asked first is typed, not
   timed. The reference is the same standard widgets, a
   `Static` prompt and a four-item `OptionList`, both swapped for the next question's on a
   digit (`ref_app.py swap`), typed in the same way with as many keys right after each
   consultation. The notes add each side's CPU time per answer (from /proc: the program's
   own work, whatever the load) and the bytes written per answer until settled.
3. **Headless `run`**: `spine-assist run tests/fixtures/answers/miss.yaml` (a note to
   stdout), fork to exit, against `python -c "import yaml, jinja2"`. 3a: the caches
   warm; 3b: the tree cache emptied before every run, nothing else changed (the compiled
   templates stay: as after the tree file is edited); 3c runs it
   in-process and lists which heavy packages got imported (a headless command needs none
   of them). 3d, shown with no budget: a new, empty cache folder for every run (no tree,
   no compiled template: the very first launch after an install).
4. **Batch**: `spine-assist run` with 1,000 answer files (copies of the fixtures) and `-o`,
   fork to exit: read, replay, evaluate, render and write each note. The reference is a
   process that opens the tree, builds each fixture's context once, then renders the same
   1,000 notes with the same template in the same sandbox and writes each with a plain
   `open`/`write` into the same folder. 4a: on the machine's disk, as a ratio. 4b: on
   tmpfs (`/dev/shm`), in notes/s.
5. **`check`**: generated trees of 500 and 5,000 questions (`gen_tree.py`: every tenth
   question branches, so the paths can only be counted; 50,000 questions would exceed the
   YAML reader's limit of 200,000 values in a file). 5a: in one process after a
   warm-up on a tiny tree, so imports and template compilation do not flatter the growth
   (a cost that every check pays whatever the size, such as rendering the templates'
   samples, still does); 10x the questions may take at most 12x the CPU time (CPU, not
   wall time: the figure is the code's growth, and load elsewhere once read 13x for a
   10.2x growth). 5b: the whole
   `spine-assist check` command at 5,000 questions. `check` proves a tree every time
   (it never reads or writes the tree cache); the compiled templates are kept, as after
   any earlier use.
6. **Memory**: peak resident set size (VmHWM from /proc) of the app after a whole
   consultation typed through the pty and the result screen shown, against the swap
   reference after as many swaps. The caches are warm, as after any earlier use.
7. **Browser**: `tests/bench/browser.py`'s `measure()`, when that module is there.
"""


def write_results(table: str, rows: list[Row], date: str, seconds: float,
                  command: str) -> None:
    load_end = os.getloadavg()[0]
    notes = "\n".join(f"- **{r.figure}**: {r.note}" for r in rows if r.note)
    minutes = max(1, round(seconds / 60))
    judged = [r for r in rows if r.budget != INFO]
    met = sum(r.ok for r in judged)
    RESULTS.write_text(f"""# Speed: benchmark results

Reproduce with `{command}` from the repository root (this run took {minutes} minute{
        's' if minutes > 1 else ''}; `--only N` for some figures, `--quick` for a smoke test).
The command prints this table, rewrites this page and exits 1 when a budget is missed.
Budgets are ceilings, not targets (issue 13).

**Run of {date} UTC**, {met} of {len(judged)} budgets met. Machine: {machine()}.
Load average (1 min) {LOAD_AT_START:.1f} at the start, {load_end:.1f} at the end: the machine is
shared, and other work slows both sides of a ratio, not always equally.

{table}

## How each figure is measured

{HOW}
## Notes from this run

{notes}
""", encoding="utf-8")


README = HERE.parent.parent / "README.md"
START, END = "<!-- bench:table", "<!-- bench:end -->"


def readme_table(rows: list[Row], date: str) -> str:
    lines = [f"{START} (rewritten by `python -m tests.bench`; run of {date} UTC) -->",
             "| Figure | Budget | Latest |", "|---|---|---|"]
    for row in rows:
        if row.note.startswith("skipped"):
            continue
        latest = row.measured
        if row.reference not in ("-", "none", "1 s"):
            latest += f" vs {row.reference}"
        if row.ratio is not None:
            latest += f": {row.ratio:.2f}x"
        verdict = "" if row.ok else " (**missed**)"
        lines.append(f"| {row.figure} | {row.budget} | {latest}{verdict} |")
    lines.append(END)
    return "\n".join(lines)


def write_readme(rows: list[Row], date: str) -> None:
    """The README's speed table from the same run as RESULTS.md (between its markers)."""
    text = README.read_text(encoding="utf-8")
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise RuntimeError(f"README.md has no {START} ... {END} markers")
    README.write_text(text[:start] + readme_table(rows, date) + text[end + len(END):],
                      encoding="utf-8")
