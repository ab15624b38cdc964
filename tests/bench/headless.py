"""Figures without a terminal: headless `run` (3), batch notes (4), `check` (5).

Whole processes, started the way a user starts them (the installed `spine-assist`), timed
from fork to exit, each against a reference process measured in the same run.
"""

from __future__ import annotations

import itertools
import json
import os
import resource
import shutil
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from tests.bench.common import (
    ANSWERS,
    INFO,
    PY,
    ROOT,
    SCRIPT,
    Row,
    app_env,
    fresh_cache,
    median,
    ms,
    paired,
    run_ok,
)
from tests.bench.gen_tree import write_tree

CPU: dict[str, list[float]] = {}  # CPU seconds (user + sys) of each command, by its name


def wall(argv: list[str], env: dict[str, str], cwd: Path = ROOT) -> float:
    """Fork to exit of one command, which must succeed; its CPU time goes to CPU[name].

    The CPU time says how much of the wall time was the program's own work, and how much
    was waiting for a core on a machine shared with other work."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.setdefault(Path(argv[0]).name + (f" {argv[1]}" if len(argv) > 1 else ""), []).append(
        after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if done.returncode:
        name = " ".join(Path(a).name for a in argv[:2])[:40]
        last = (done.stderr.strip().splitlines() or ["(nothing on stderr)"])[-1]
        raise RuntimeError(f"{name}... exited {done.returncode}: {last}")
    return took


# ------------------------------------------------------------------ 3. headless run
HEAVY = ("textual", "rich", "jsonschema", "referencing", "platformdirs")
RUN_REF = [PY, "-c", "import yaml, jinja2"]


def heavy_imports(env: dict[str, str]) -> list[str]:
    """Top-level packages among HEAVY that a headless run imports (should be none)."""
    code = (
        "import sys; from assistant.cli import main; "
        f"main(['run', {str(ANSWERS / 'miss.yaml')!r}]); "
        f"print('\\nHEAVY', sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"
    )
    out = run_ok([PY, "-c", code], env)
    line = next(x for x in out.splitlines() if x.startswith("HEAVY"))
    return list(json.loads(line[len("HEAVY "):].replace("'", '"')))


def figure_run(base: Path, runs: int, cache: str) -> list[Row]:
    """3a (`cache="warm"`), 3b (`"tree"`: the tree cache emptied before every app run, the
    compiled templates kept, as after the tree file is edited) or 3d (`"none"`: a
    new, empty cache folder every run, as on the very first launch after an install)."""
    app_argv = [SCRIPT, "run", str(ANSWERS / "miss.yaml")]
    folder = base / f"cache-run-{cache}"
    env = app_env(base, "run", folder)
    wall(app_argv, env)  # the OS file cache, and the caches warm
    wall(RUN_REF, env)
    CPU.clear()
    app: list[float] = []
    ref: list[float] = []
    for i in range(runs):
        if cache == "tree":
            shutil.rmtree(folder / "trees")
        elif cache == "none":
            env = app_env(base, "run", fresh_cache(base))
        for which in ((0, 1) if i % 2 else (1, 0)):
            if which:
                app.append(wall(app_argv, env))
            else:
                ref.append(wall(RUN_REF, env))
    ratio = paired(app, ref)
    cpu = f"app CPU {ms(median(CPU.pop('spine-assist run')))} median"
    pairs = f"{runs} pairs, median of the pairs' ratios"
    reference = f'{ms(median(ref))} python -c "import yaml, jinja2"'
    if cache == "none":
        return [Row("3d. Headless `run`, first launch after an install (no caches at all)",
                    ms(median(app)), reference, ratio, INFO, True,
                    f"{pairs}; a new, empty cache folder each run (tree and compiled "
                    f"templates); {cpu}")]
    label, how = (("tree cache cold", "the tree cache emptied before each run, the compiled "
                   "templates kept") if cache == "tree" else ("tree cache warm", "caches warm"))
    return [Row(f"3{'b' if cache == 'tree' else 'a'}. Headless `run`, whole process ({label})",
                ms(median(app)), reference, ratio, "<= 1.5x", ratio <= 1.5,
                f"{pairs}; {how}; {cpu}")]


def figure_heavy(base: Path) -> Row:
    heavy = heavy_imports(app_env(base, "run"))
    return Row("3c. Heavy imports in a headless run", ", ".join(heavy) or "none", "none", None,
               "none of " + ", ".join(HEAVY), not heavy)


# ------------------------------------------------------------------ 4. batch notes
# The floor: open the tree, build the context of each distinct answer file once (the batch's
# files are copies of the fixtures, in turn), then render the same notes with the same
# template in the same sandbox and write each with a plain open/write, once per answer file,
# into the folder the batch writes to. A whole process too, so both sides pay the
# interpreter's start.
FLOOR_CODE = r"""
import sys
from pathlib import Path
from assistant.core.catalog import open_tree
from assistant.core.headless import run_file
from assistant.core.render import FORMATS, get_template
inputs = sorted(Path(sys.argv[1]).iterdir())
out = Path(sys.argv[2])
out.mkdir(exist_ok=True)
tree = open_tree(None)
contexts = [run_file(tree, name).outcome.context() for name in sys.argv[3:]]
template = get_template(FORMATS["md"])
try:  # the sandbox's own entry point, with its limits, where there is one
    from assistant.core.sandbox import render_limited
except ImportError:
    def render_limited(template, context):
        return template.render(**context)
for index, source in enumerate(inputs):
    with open(out / (source.stem + ".md"), "w", encoding="utf-8") as handle:
        handle.write(render_limited(template, contexts[index % len(contexts)]))
"""


def disk_folder() -> Path:
    """A folder on the machine's disk (not a RAM disk): the system's temp folder if it is on
    disk, else /var/tmp."""
    def fs_type(path: Path) -> str:
        best, kind = "", ""
        with open("/proc/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                _, point, fs, *_ = line.split()
                if str(path).startswith(point) and len(point) > len(best):
                    best, kind = point, fs
        return kind

    temp = Path(tempfile.gettempdir()).resolve()
    return temp if fs_type(temp) not in ("tmpfs", "ramfs") else Path("/var/tmp")


def batch_rates(folder: Path, env: dict[str, str], count: int, runs: int
                ) -> tuple[list[float], list[float]]:
    inputs, out = folder / "in", folder / "out"
    inputs.mkdir(parents=True)
    sources = sorted(ANSWERS.glob("*.yaml")) + sorted(ANSWERS.glob("*.json"))
    for i in range(count):
        source = sources[i % len(sources)]
        shutil.copyfile(source, inputs / f"case{i:05d}{source.suffix}")
    files = [str(p) for p in sorted(inputs.iterdir())]
    app_argv = [SCRIPT, "run", *files, "-o", str(out)]
    ref_argv = [PY, "-c", FLOOR_CODE, str(inputs), str(out), *map(str, sources)]
    CPU.clear()
    app: list[float] = []
    ref: list[float] = []
    for i in range(runs):
        for argv, times in ((app_argv, app), (ref_argv, ref))[:: 1 if i % 2 else -1]:
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            times.append(count / wall(argv, env))
    if len(list(out.iterdir())) != count:
        raise RuntimeError(f"expected {count} notes in {out}")
    return app, ref


def cpu_rate(count: int) -> str:
    """The batch's notes per second of its own CPU time (what an idle machine would give)."""
    cpu = CPU.pop("spine-assist run", [])
    CPU.clear()
    return f"{count / median(cpu):,.0f} notes per CPU second" if cpu else "CPU time unknown"


def figure_batch(base: Path, count: int, runs: int) -> list[Row]:
    env = app_env(base, "batch")
    run_ok([SCRIPT, "run", str(ANSWERS / "miss.yaml")], env)  # warm caches, as after any use
    rows = []
    with tempfile.TemporaryDirectory(prefix="spine-bench-", dir=disk_folder()) as disk:
        app, ref = batch_rates(Path(disk), env, count, runs)
    ratio = paired(app, ref)
    rows.append(Row(f"4a. Batch: {count:,} answer files to notes, whole process (disk)",
                    f"{median(app):,.0f} notes/s",
                    f"{median(ref):,.0f} notes/s bare sandboxed render + plain write",
                    ratio, ">= 0.8x", ratio >= 0.8,
                    f"{runs} pairs, median of the pairs' ratios; `spine-assist run` with "
                    f"{count:,} files and -o, in {disk_folder()}; {cpu_rate(count)}"))
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        with tempfile.TemporaryDirectory(prefix="spine-bench-", dir=shm) as ram:
            app, ref = batch_rates(Path(ram), env, count, runs)
        best = max(app)
        rows.append(Row(f"4b. Batch: {count:,} answer files to notes, whole process (tmpfs)",
                        f"{best:,.0f} notes/s", f"{max(ref):,.0f} notes/s bare loop",
                        paired(app, ref), ">= 2,000 notes/s", best >= 2000,
                        f"best of {runs} (the least disturbed), on /dev/shm; notes/s "
                        f"{min(app):,.0f}-{best:,.0f}; {cpu_rate(count)}"))
    else:
        rows.append(Row("4b. Batch on tmpfs", "-", "-", None, ">= 2,000 notes/s", False,
                        "no writable /dev/shm on this machine"))
    return rows


# ------------------------------------------------------------------ 5. check scaling
CHECK_CODE = r"""
import json, sys, time
from pathlib import Path
try:
    from assistant.core.lint import check_tree
except ImportError:  # where check lives may move; the figure names what it could not find
    from assistant.commands.check import check_tree
check_tree(Path(sys.argv[1]))  # compile templates and import everything first
out = {}
for name in sys.argv[2:]:
    started = time.process_time()  # CPU: growth is the code's, not the machine's other load
    report = check_tree(Path(name))
    out[name] = [time.process_time() - started, report.questions, len(str(report.paths))]
print(json.dumps(out))
"""


def figure_check(base: Path, sizes: Sequence[int], runs: int) -> list[Row]:
    folder = base / "trees"
    folder.mkdir()
    paths = {n: write_tree(folder, n) for n in sizes}
    env = app_env(base, "check")  # `check` proves a tree every time (no tree cache)
    small = write_tree(folder, 20)
    run_ok([SCRIPT, "check", str(small)], env)  # compiled templates kept, as after any use
    times: dict[int, list[float]] = {n: [] for n in sizes}
    digits = {}
    for _ in range(runs):
        names = [str(paths[n]) for n in sizes]  # every size every run: medians, not one try
        out = run_ok([PY, "-c", CHECK_CODE, str(small), *names], env)
        for _name, (seconds, questions, path_digits) in json.loads(out).items():
            times[questions].append(seconds)
            digits[questions] = path_digits
    t = {n: median(v) for n, v in times.items()}
    rows = []
    for small_n, big_n in itertools.pairwise(sizes):
        growth = t[big_n] / t[small_n]
        rows.append(Row(f"5a. `check`: {big_n:,} vs {small_n:,} questions (in process)",
                        ms(t[big_n]), ms(t[small_n]), growth, "linear: <= 12x for 10x",
                        growth <= 12.0,
                        f"{big_n:,} questions: path count has {digits[big_n]} digits"))
    n = 5000 if 5000 in paths else sizes[-1]
    CPU.clear()
    whole = [wall([SCRIPT, "check", str(paths[n])], env) for _ in range(runs)]
    w = median(whole)
    rows.append(Row(f"5b. `spine-assist check` at {n:,} questions (whole process)", ms(w),
                    "-", None, "< 1 s", w < 1.0, f"median of {runs}, compiled templates kept; CPU "
                    f"{ms(median(CPU.pop('spine-assist check')))} median"))
    return rows
