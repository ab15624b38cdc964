"""Figures seen in a terminal: cold start (1), answer to paint and to settled (2), memory (6).

Each runs the installed `spine-assist` on a pty of 80x24 and a reference app built from the
same standard Textual widgets (`ref_app.py`) the same way, in the same run.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from tests.bench.common import (
    ANSWERS,
    HERE,
    PY,
    SCRIPT,
    Row,
    app_env,
    fresh_cache,
    median,
    ms,
    paired,
    run_ok,
)
from tests.bench.keys import (
    QUIET,
    Step,
    Timing,
    drive,
    marker,
    pass_label,
    plan,
    reach_first_question,
    swap_plan,
)
from tests.bench.ptyterm import Terminal
from tests.bench.ref_app import PROMPT as REF_PROMPT

FRAME = 1 / 60  # one frame at 60 Hz
KEY_FILES = ("sins_miss.json", "oss_several.yaml", "miss.yaml")
MEMORY_FILE = "oss_several.yaml"


def ref_argv(kind: str) -> list[str]:
    return [PY, str(HERE / "ref_app.py"), kind]


# ------------------------------------------------------------------ 1. cold start
def time_to_first(argv: list[str], env: dict[str, str], ref: bool) -> float:
    term = Terminal(argv, env)
    try:
        started = term.start()
        if ref:
            return term.wait_for(REF_PROMPT, timeout=30) - started
        return reach_first_question(term) - started
    finally:
        term.close()


def figure_start(base: Path, runs: int, cold: bool) -> Row:
    """Fork to the first question on screen; `cold`: every app run with an empty cache."""
    app_argv, ref = [SCRIPT], ref_argv("minimal")

    def app_env_now() -> dict[str, str]:
        return app_env(base, "start", fresh_cache(base) if cold else None)

    time_to_first(app_argv, app_env(base, "start"), ref=False)  # OS file cache; warm cache
    time_to_first(ref, app_env(base, "ref"), ref=True)
    app: list[float] = []
    refs: list[float] = []
    for i in range(runs):  # in pairs, back to back, the order alternating
        if i % 2:
            refs.append(time_to_first(ref, app_env(base, "ref"), ref=True))
            app.append(time_to_first(app_argv, app_env_now(), ref=False))
        else:
            app.append(time_to_first(app_argv, app_env_now(), ref=False))
            refs.append(time_to_first(ref, app_env(base, "ref"), ref=True))
    ratio = paired(app, refs)
    which = "first launch, no tree cache" if cold else "tree cache warm"
    return Row(f"1{'b' if cold else 'a'}. Cold start to the first question ({which})",
               ms(median(app)), f"{ms(median(refs))} minimal Textual app", ratio, "<= 1.25x",
               ratio <= 1.25,
               f"{runs} pairs, median of the pairs' ratios; app runs "
               f"{ms(min(app))}-{ms(max(app))}")


# ------------------------------------------------------------------ 2. key to paint / settled
def consult(base: Path, steps: list[Step], env: dict[str, str] | None = None) -> Timing:
    term = Terminal([SCRIPT], env or app_env(base, "keys"))
    try:
        term.start()
        reach_first_question(term)
        pass_label(term)
        return drive(term, steps)
    finally:
        term.close("\x11", grace=1.0)  # ctrl+q (SIGKILL if it asks first)


def swaps(base: Path, steps: list[Step]) -> Timing:
    term = Terminal(ref_argv("swap"), app_env(base, "swap"))
    try:
        term.start()
        term.wait_for(REF_PROMPT, timeout=30)
        term.settle(QUIET)
        return drive(term, steps)
    finally:
        term.close("\x11", grace=1.0)


def figure_keys(base: Path, rounds: int, files: tuple[str, ...] = KEY_FILES) -> list[Row]:
    app, ref = Timing(), Timing()
    # Each consultation is followed by the reference with as many keys, in every round,
    # so both sides see the same stretches of the machine's load.
    for _ in range(rounds):
        for name in files:
            steps = plan(ANSWERS / name)
            app.extend(consult(base, steps))
            ref.extend(swaps(base, swap_plan(sum(s.then is not None for s in steps))))
    paint, ref_paint = median(app.painted), median(ref.painted)
    settle, ref_settle = median(app.settled), median(ref.settled)
    ratio = paint / ref_paint

    def p90(values: list[float]) -> str:
        return ms(statistics.quantiles(values, n=10)[-1]) if len(values) > 1 else ms(values[0])

    return [
        Row("2a. Key press to the next question painted", ms(paint),
            f"{ms(ref_paint)} same widgets swapped (Static + OptionList)", ratio,
            "median <= 16.7 ms and <= 1.5x", paint <= FRAME and ratio <= 1.5,
            f"medians of {len(app.painted)} / {len(ref.painted)} keys; app p90 "
            f"{p90(app.painted)}; CPU per answer (typing included) app "
            f"{ms(app.cpu / app.steps)}, reference {ms(ref.cpu / ref.steps)}"),
        Row("2b. Key press to the screen settled", ms(settle),
            f"{ms(ref_settle)} same widgets swapped", None,
            "median <= 33 ms", settle <= 2 * FRAME,
            f"median of {len(app.settled)} keys; app p90 {p90(app.settled)}; settled = "
            f"the last output before {QUIET * 1000:.0f} ms of none; output per answer "
            f"{median(app.written) / 1024:.1f} KiB, reference {median(ref.written) / 1024:.1f}"
            " KiB (medians)"),
    ]


# ------------------------------------------------------------------ 6. memory
RESULT_MARKER = "What if"  # in the result screen's footer (`w What if`), not the review's


def result_title(answer_file: Path) -> str:
    """The recommended option's name, as the result screen shows it (without its tag)."""
    from assistant.core.catalog import open_tree
    from assistant.core.headless import run_file

    tree = open_tree(None)
    outcome = run_file(tree, answer_file).outcome
    return marker(str(outcome.context()["outcome"]["title"]).split(" (")[0])


def figure_memory(base: Path) -> Row:
    steps = plan(ANSWERS / MEMORY_FILE)
    ref = Terminal(ref_argv("swap"), app_env(base, "mem-ref"))
    try:
        ref.start()
        ref.wait_for(REF_PROMPT, timeout=30)
        ref.settle(QUIET)
        drive(ref, swap_plan(len(steps)), measured=False)
        ref.drain(1.0)
        ref_kib = ref.peak_rss_kib()
    finally:
        ref.close("\x11")
    env = app_env(base, "mem-app")
    # The caches are warm, as after any earlier use: one note rendered fills the tree
    # cache and the templates' bytecode cache.
    run_ok([SCRIPT, "run", str(ANSWERS / "miss.yaml")], env)
    title = result_title(ANSWERS / MEMORY_FILE)
    term = Terminal([SCRIPT], env)
    try:
        term.start()
        reach_first_question(term)
        pass_label(term)
        since = len(term.buffer)
        drive(term, steps, measured=False)
        if RESULT_MARKER not in term.visible_since(since):  # the review first: `g` goes on
            since = len(term.buffer)
            term.send("g")
            term.wait_for(RESULT_MARKER, timeout=15, since=since)
        term.drain(1.0)
        if title not in term.visible_since(0):
            raise RuntimeError(f"the result screen does not show {title!r}")
        app_kib = term.peak_rss_kib()
    finally:
        term.close("\x11")
    ratio = app_kib / ref_kib
    return Row("6. Peak memory at the result screen (VmHWM)", f"{app_kib / 1024:.1f} MiB",
               f"{ref_kib / 1024:.1f} MiB same widgets after {len(steps)} swaps", ratio,
               "<= 1.5x", ratio <= 1.5,
               f"full consultation ({len(steps)} answers, {MEMORY_FILE}) typed through the "
               f"pty, then the result screen (\"{title}\")")
