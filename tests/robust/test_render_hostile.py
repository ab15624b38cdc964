"""Hostile site templates (issue 12: items 7b, 10, 14, 19): each ends within 5 s of CPU and
1 GiB with exit 2 and one clean line naming the template file and line; nothing outside the
folder is read and no planted compiled template runs. Texts, links and scale are in
test_output_hostile.py, which uses the helpers here."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ANSWERS, ENTRY_POINT

GIB = 1 << 30
CPU_SECONDS = 5.0
# what may never reach a terminal: C0, DEL, C1, line/paragraph separators, bidi controls
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                    "\u2066-\u2069\ud800-\udfff]")
ANSWER_FILE = str(ANSWERS / "miss.yaml")


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (GIB, GIB))


def command(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """The real `spine-assist` in 1 GiB of address space; (result, CPU seconds it used)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([*ENTRY_POINT, *args], capture_output=True, text=True,
                          preexec_fn=_limit_memory, timeout=30, errors="surrogateescape")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return done, cpu


def refused(*args: str) -> str:
    """Run a command that must refuse its input: exit 2, one clean line, within budget."""
    done, cpu = command(*args)
    lines = done.stderr.splitlines()
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert len(lines) == 1, done.stderr[-2000:]
    assert not UNSAFE.search(lines[0]), ascii(lines[0])
    assert cpu < CPU_SECONDS, cpu
    return lines[0]


def site(tmp_path: Path, text: str | bytes, name: str = "note.md.j2") -> Path:
    folder = tmp_path / "site"
    folder.mkdir(exist_ok=True)
    data = text if isinstance(text, bytes) else text.encode()
    (folder / name).write_bytes(data)
    return folder


# ------------------------------------------------------------------ item 14: the sandbox
# Each attack sits on line 3 of the site's note.md.j2: the message must name that line.
ATTACKS = {
    "huge range": "{{ range(10**9) | list }}",
    "string repetition": "{{ 'a' * 10**9 }}",
    "list repetition": "{{ [1, 2] * 10**9 }}",
    "repetition of a repetition": "{{ ('ab' * 1000000) * 1000 }}",
    "percent width": "{{ '%0999999999d' % 1 }}",
    "percent star width": "{{ '%*d' % (999999999, 1) }}",
    "format width": "{{ '{:999999999}'.format(1) }}",
    "format filter": "{{ '%0999999999d' | format(1) }}",
    "center filter": "{{ 'a' | center(10**9) }}",
    "ljust method": "{{ 'a'.ljust(10**9) }}",
    "replace growth": "{{ ('a' * 1000000) | replace('a', 'a' * 100) }}",
    "join growth": "{{ (['a' * 1000000] * 1000) | join }}",
    "doubling by concatenation": "{% set ns = namespace(s='ab') %}{% for i in range(64) %}"
                                 "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}",
    "doubling by plus": "{% set ns = namespace(s='ab') %}{% for i in range(64) %}"
                        "{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s | length }}",
    "huge power": "{{ 7 ** 100000000 }}",
    "squaring": "{% set ns = namespace(n=7) %}{% for i in range(64) %}"
                "{% set ns.n = ns.n * ns.n %}{% endfor %}{{ ns.n }}",
    "recursive macro": "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}",
    "mutually recursive macros": "{% macro a() %}{{ b() }}{% endmacro %}"
                                 "{% macro b() %}{{ a() }}{% endmacro %}{{ a() }}",
    "division by zero": "{{ 1 / 0 }}",
    "modulo by zero": "{{ 1 % 0 }}",
    "loops in loops": "{% for i in range(99999) %}{% for j in range(99999) %}"
                      "{% endfor %}{% endfor %}",
    "output flood": "{% for i in range(99999) %}{% for j in range(99999) %}"
                    "xxxxxxxxxxxxxxxx{% endfor %}{% endfor %}",
}


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_a_hostile_site_template_is_one_located_line_in_run_and_check(tmp_path, attack):
    folder = site(tmp_path, "# line one\n\n" + attack + "\n")
    where = f"{folder / 'note.md.j2'}:3:"
    line = refused("run", ANSWER_FILE, "--templates", str(folder))
    assert where in line, line
    line = refused("check", "--templates", str(folder))
    assert where in line, line


SELF_REFERENCE = {
    "self include": '{% include "note.md.j2" %}',
    "self extends": '{% extends "note.md.j2" %}',
    "include cycle": '{% include "other.j2" %}',
}


@pytest.mark.parametrize("text", SELF_REFERENCE.values(), ids=SELF_REFERENCE.keys())
def test_a_template_that_includes_itself_is_refused(tmp_path, text):
    folder = site(tmp_path, "x\n" + text + "\n")
    (folder / "other.j2").write_text('{% include "note.md.j2" %}\n')
    line = refused("run", ANSWER_FILE, "--templates", str(folder))
    assert "itself" in line and str(folder) in line, line
    assert re.search(r"\.j2:[12]:1: ", line), line  # the include's own line


@pytest.mark.parametrize(("shape", "depth"), [
    ("{%% if 1 %%}", 40), ("{%% if 1 %%}", 3000), ("{%% for i in [1] %%}", 40),
    ("{%% for i in [1] %%}", 400), ("(", 3000), ("(", 30000),
])
def test_deep_nesting_is_refused(tmp_path, shape, depth):
    if shape == "(":
        text = "{{ " + "(" * depth + "1" + ")" * depth + " }}"
    else:
        end = "{% endif %}" if "if" in shape else "{% endfor %}"
        text = (shape % ()) * depth + "x" + end * depth
    folder = site(tmp_path, text)
    line = refused("run", ANSWER_FILE, "--templates", str(folder))
    assert "nested" in line, line


def test_a_200_mb_template_is_refused_without_reading_it(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    with (folder / "note.md.j2").open("wb") as file:
        file.truncate(200 * 1024 * 1024)  # sparse: no 200 MB written to the disk
    line = refused("run", ANSWER_FILE, "--templates", str(folder))
    assert "too large" in line and "note.md.j2" in line, line


GROWTH = [
    "x * 1000", "x ~ x", "x + x", "x | center(100000)", "x | indent(1000, true)",
    "x | indent('xxxxxxxxxx', true)", "x | replace('a', 'aaaaaaaaaa')", "([x] * 100) | join",
    "([x] * 100) | join(x)", "'%09999d' % 1 ~ x", "x | wordwrap(3)", "x | wordwrap(1, true, x)",
    "x.upper()", "(x | list) | join", "x.center(100000)", "x.replace('', 'ab')",
    "'{:>9999}'.format(x)", "x | format", "(x ~ '%s') | format(x)", "x * 2 ~ x * 3",
]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(GROWTH), min_size=1, max_size=10))
def test_generated_growth_ends_within_the_limits(steps):
    """Any chain of operations that grow a string: rendered within the limits, or refused."""
    from assistant.core.errors import TemplateError
    from assistant.core.sandbox import MAX_OUTPUT, LimitedSandbox, TemplateLimit, render_limited

    text = "{% set x = 'ab' %}" + "".join("{% set x = " + step + " %}" for step in steps)
    env = LimitedSandbox()
    started = time.process_time()
    try:
        out = render_limited(env.from_string(text + "{{ x }}"), {})
    except (TemplateLimit, TemplateError, OverflowError, TypeError, ValueError):
        pass
    else:
        assert len(out) <= MAX_OUTPUT
    assert time.process_time() - started < 3


def test_limits_leave_the_shipped_notes_and_their_escaping_alone(tmp_path):
    from assistant.core.render import environment

    env = environment(None)
    assert env.autoescape("note.html.j2") and not env.autoescape("note.md.j2")
    assert type(env.undefined).__name__ == "type" and env.undefined.__name__ == "StrictUndefined"
    done, _ = command("run", ANSWER_FILE, "--format", "html")
    assert done.returncode == 0 and "<html" in done.stdout.lower()


# ------------------------------------------------------------------ item 7b: bytecode cache
def _plant(marker: Path) -> tuple[str, Path, bytes]:
    """Jinja2's cache file for the shipped note.md.j2, holding code that writes `marker`."""
    from assistant.core.render import environment
    from assistant.core.template_files import FolderLoader

    environment.cache_clear()
    env = environment(None)
    cache = env.bytecode_cache
    assert cache is not None
    source, filename, _ = FolderLoader(Path(env.loader.loaders[-1].folder)).get_source(
        env, "note.md.j2")
    bucket = cache.get_bucket(env, "note.md.j2", filename, source)
    bucket.code = compile(f"open({str(marker)!r}, 'w').close()", "planted", "exec")
    return cache._get_cache_filename(bucket), Path(cache.directory), bucket.bytecode_to_string()


def _load_note() -> None:
    from assistant.core.render import environment, get_template

    environment.cache_clear()
    try:
        get_template("note.md.j2")
    except Exception:  # the planted code is no template: only its effect counts
        pass
    finally:
        environment.cache_clear()


@pytest.mark.parametrize("how", ["group-writable file", "file of another name linked in",
                                 "folder is a symlink", "folder open to others"])
def test_a_planted_compiled_template_never_runs(tmp_path, how):
    marker = tmp_path / "ran"
    file, folder, planted = _plant(marker)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if how == "group-writable file":
        Path(file).write_bytes(planted)
        os.chmod(file, 0o666)
    elif how == "file of another name linked in":
        (tmp_path / "evil.cache").write_bytes(planted)
        os.symlink(tmp_path / "evil.cache", file)
    elif how == "folder is a symlink":
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir(mode=0o700)
        (elsewhere / Path(file).name).write_bytes(planted)
        folder.rmdir()
        os.symlink(elsewhere, folder)
    else:  # someone else could have put anything there; only files closed to them count
        os.chmod(folder, 0o777)
        Path(file).write_bytes(planted)
        os.chmod(file, 0o646)
    _load_note()
    assert not marker.exists()


def test_the_planted_file_would_run_if_it_were_ours(tmp_path):
    """The control: the same file, ours and closed, is loaded (so the test above can fail)."""
    marker = tmp_path / "ran"
    file, folder, planted = _plant(marker)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    Path(file).write_bytes(planted)
    os.chmod(file, 0o600)
    _load_note()
    assert marker.exists()


def test_compiled_templates_are_kept_private(tmp_path):
    done, _ = command("run", ANSWER_FILE)
    assert done.returncode == 0, done.stderr
    state = Path(os.environ["SPINE_ASSIST_STATE_DIR"])
    folders = [p for p in state.rglob("templates-*") if p.is_dir()]
    assert folders and all(p.stat().st_mode & 0o777 == 0o700 for p in folders)
    files = [p for f in folders for p in f.iterdir()]
    assert files and all(p.stat().st_mode & 0o077 == 0 for p in files)


# ------------------------------------------------------------------ items 10 and 19: the loader
def _link(folder: Path, name: str, target: str | Path) -> None:
    os.symlink(target, folder / name)


@pytest.mark.parametrize("target", ["/etc/passwd", "/etc/hostname", "../outside.txt",
                                    "/dev/zero", "/proc/self/environ"])
def test_an_include_through_a_symlink_out_of_the_folder_is_refused(tmp_path, target):
    (tmp_path / "outside.txt").write_text("SECRET\n")
    folder = site(tmp_path, 'a\n{% include "leak.txt" %}\n')
    _link(folder, "leak.txt", target)
    done, _ = command("run", ANSWER_FILE, "--templates", str(folder))
    assert "root:" not in done.stdout and "SECRET" not in done.stdout
    line = refused("run", ANSWER_FILE, "--templates", str(folder))
    assert "outside its folder" in line and "leak.txt" in line, line


def test_the_template_itself_as_a_symlink_out_is_refused_not_replaced(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    _link(folder, "note.md.j2", "/etc/passwd")
    line = refused("run", ANSWER_FILE, "--templates", str(folder))
    assert "outside its folder" in line, line
    line = refused("check", "--templates", str(folder))
    assert "outside its folder" in line, line


def test_a_symlinked_folder_inside_leading_out_is_refused(tmp_path):
    folder = site(tmp_path, '{% include "etc/passwd" %}\n')
    _link(folder, "etc", "/etc")
    line = refused("run", ANSWER_FILE, "--templates", str(folder))
    assert "outside its folder" in line, line


def test_a_symlink_to_a_file_inside_the_folder_is_fine(tmp_path):
    folder = site(tmp_path, "# Site header\n", name="header.j2")
    (folder / "note.md.j2").write_text('{% include "alias.j2" %}{{ case_label | md }}\n')
    _link(folder, "alias.j2", "header.j2")
    done, _ = command("run", ANSWER_FILE, "--templates", str(folder))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Site header")


@pytest.mark.parametrize("how", ["the note itself", "an include"])
def test_a_fifo_template_is_refused_at_once_not_replaced(tmp_path, how):
    folder = tmp_path / "site"
    folder.mkdir()
    if how == "an include":
        (folder / "note.md.j2").write_text('a\n{% include "pipe.j2" %}\n')
        os.mkfifo(folder / "pipe.j2")
    else:
        os.mkfifo(folder / "note.md.j2")
    started = time.monotonic()
    line = refused("run", ANSWER_FILE, "--templates", str(folder))
    assert time.monotonic() - started < 10  # opening a FIFO to read would block for ever
    assert "not a regular file" in line, line


@pytest.mark.parametrize("kind", ["folder", "dangling symlink"])
def test_other_non_files_are_refused_not_replaced(tmp_path, kind):
    folder = tmp_path / "site"
    folder.mkdir()
    if kind == "folder":
        (folder / "note.md.j2").mkdir()
    else:
        _link(folder, "note.md.j2", tmp_path / "gone.j2")
    line = refused("run", ANSWER_FILE, "--templates", str(folder))
    assert "note.md.j2" in line, line


@pytest.mark.parametrize("how", ["render", "generate", "stream", "render twice"])
def test_every_way_to_render_keeps_one_budget_per_render(how):
    """`render()`, `generate()` and `stream()` count a render's loops together, and each
    render starts its own budget (a shared one timed out the renders after the first)."""
    from assistant.core.sandbox import LimitedSandbox, TemplateLimit

    env = LimitedSandbox()
    nested = env.from_string("{% for i in range(99999) %}{% for j in range(99999) %}"
                             "{% endfor %}{% endfor %}")
    ways = {"render": nested.render, "generate": lambda: "".join(nested.generate()),
            "stream": lambda: "".join(nested.stream())}
    if how == "render twice":
        quick = env.from_string("{% for i in range(1000) %}.{% endfor %}")
        for _ in range(3):
            assert quick.render() == "." * 1000
            time.sleep(0.8)  # past the 2 s deadline in all, not in any one render
        return
    started = time.process_time()
    with pytest.raises(TemplateLimit):
        ways[how]()
    assert time.process_time() - started < 4
