"""Typing a consultation into a pty by keys, and timing each answer from outside the program.

The bench knows nothing of the app's widgets: it presses the keys a person presses and
watches what reaches the terminal. The keys it relies on (see README "In the terminal"):

* a choice list: a digit picks that choice; `s` skips an optional question;
* a checklist: a digit ticks or unticks that choice; Enter confirms;
* a field: ctrl+u clears it (Input's own key), the value is typed, Enter confirms;
  Enter on an empty field skips an optional question.

For each answer it records, from the moment the key was written to the pty:

* painted: when the chunk of output that made the next question's prompt visible was read;
* settled: when the last chunk of output caused by the key was read, the screen then being
  unchanged for QUIET seconds (the program wrote nothing more). QUIET is shorter than a text
  cursor's blink (0.5 s, restarted by every key and focus), so a blink is never taken for the
  key's work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.bench.ptyterm import Terminal, normalize

FIRST_PROMPT = "Is the patient fit for surgery?"
# A case label asked before the first question (any of these, case ignored); the bench
# types LABEL and Enter there.
LABEL_MARKERS = ("case label", "label this case", "name this case")
LABEL = "bench case"
QUIET = 0.25  # the screen unchanged this long counts as settled (under a blink, 0.5 s)
CLEAR = "\x15"  # ctrl+u


@dataclass
class Step:
    keys: list[str]  # typed first, not measured (e.g. digits into a number field)
    key: str  # the measured key
    then: str | None  # text that shows the step took effect (the next prompt); None at the end
    value: str | None = None  # typed text to see on screen before the key is pressed


@dataclass
class Timing:
    painted: list[float] = field(default_factory=list)
    settled: list[float] = field(default_factory=list)
    written: list[int] = field(default_factory=list)  # bytes the key caused, until settled
    cpu: float = 0.0  # the program's CPU seconds over all the steps (typing included)
    steps: int = 0

    def extend(self, other: Timing) -> None:
        self.painted += other.painted
        self.settled += other.settled
        self.written += other.written
        self.cpu += other.cpu
        self.steps += other.steps


def marker(prompt: str, limit: int = 28, others: Sequence[str] = ()) -> str:
    """A prefix of the prompt short enough to sit on one line, whatever draws it, and found
    in none of `others` (the transcript repaints earlier prompts with every answer)."""
    text = normalize(prompt)
    words = text.split(" ")
    for count in range(1, len(words) + 1):
        cut = " ".join(words[:count])
        if len(cut) >= min(limit, len(text)) or (
                count < len(words) and len(" ".join(words[:count + 1])) > limit):
            if not any(cut in normalize(other) for other in others if other != prompt):
                return cut
            if len(cut) > 2 * limit:
                break
    raise ValueError(f"no prefix of {prompt!r} tells it from the other prompts")


def plan(answer_file: Path) -> list[Step]:
    """The keys a person presses to give these answers in the TUI, one question at a time."""
    from assistant.core.answers import load_answer_file
    from assistant.core.catalog import open_tree
    from assistant.core.machine import SKIPPED, Consultation

    tree = open_tree(None)
    answers = load_answer_file(tree, answer_file).values
    consultation = Consultation(tree)
    prompts = [q.prompt for q in tree.questions.values()]
    steps: list[Step] = []
    while (question := consultation.current) is not None:
        value = answers.get(question.id, SKIPPED)
        typed: list[str] = []
        text = None
        if value is SKIPPED:
            if question.kind in ("single", "multi"):
                key = "s"
            else:
                typed, key = [CLEAR], "\r"
            consultation.skip()
        elif question.kind == "single":
            key = str(question.choice_ids.index(value) + 1)
            consultation.answer(value)
        elif question.kind == "multi":
            default = consultation.default_for(question)
            preset = set(default) if isinstance(default, (list, tuple)) else set()
            typed = [str(question.choice_ids.index(toggle) + 1)
                     for toggle in sorted(preset.symmetric_difference(value))]
            key = "\r"
            consultation.answer(value)
        else:
            text = str(value)
            typed, key = [CLEAR, text], "\r"
            consultation.answer(value)
        following = consultation.current
        then = marker(following.prompt, others=prompts) if following else None
        steps.append(Step(typed, key, then, text))
    return steps


def swap_plan(count: int) -> list[Step]:
    """As many keys for the reference swap app, each showing its next question."""
    from tests.bench.ref_app import QUESTIONS

    return [Step([], str(1 + i % 4), marker(QUESTIONS[i][0], 40)) for i in range(count)]


def reach_first_question(term: Terminal, timeout: float = 30.0) -> float:
    """Wait for the first question (a case label first, if asked); returns when it showed."""
    markers = [FIRST_PROMPT, *LABEL_MARKERS]
    _, at = term.wait_for_any(markers, timeout=timeout, fold=True)
    return at


def pass_label(term: Terminal) -> None:
    """If the app asked for a case label, give one and go on to the first tree question."""
    if FIRST_PROMPT.lower() in term.visible_since(0).lower():
        term.settle(QUIET)
        return
    term.settle(QUIET)
    since = len(term.buffer)
    term.send(LABEL)
    term.settle(QUIET)
    term.send("\r")
    term.wait_for(FIRST_PROMPT, timeout=10, since=since)
    term.settle(QUIET)


def drive(term: Terminal, steps: Sequence[Step], measured: bool = True) -> Timing:
    """Press each step's keys, waiting for its effect and for the screen to settle.

    A key sent before the new widget has focus could be lost on a busy machine, so a typed
    value is checked on screen and a key that brought no output at all is pressed again (its
    time is then the second press). Output without the next prompt is an error (the app
    went elsewhere), never pressed again. Toggles in a checklist are never sent twice.
    """
    timing = Timing(steps=len(steps))
    cpu_before = term.cpu_seconds()
    for step in steps:
        for attempt in range(3):
            since = len(term.buffer)
            if attempt == 0 or step.value is not None:
                for typed in step.keys:
                    term.send(typed)
                    term.settle(0.03, limit=0.5)
                if step.value is not None:
                    try:
                        term.wait_for(step.value, timeout=2, since=since)
                    except TimeoutError:
                        continue
                if step.keys:
                    term.settle(QUIET)  # the typing's own repaints are over
            since = len(term.buffer)
            at = term.send(step.key)
            if step.then is None:  # the last answer: whatever comes next, let it settle
                term.settle(QUIET, limit=10)
                break
            try:
                painted = term.wait_for(step.then, timeout=5, since=since)
            except TimeoutError:
                if term.visible_since(since).strip():  # the app went elsewhere: say where
                    raise
                continue  # nothing came: the key was lost, press it again
            settled = term.settle(QUIET) or painted
            if measured:
                timing.painted.append(painted - at)
                timing.settled.append(max(settled, painted) - at)
                timing.written.append(len(term.buffer) - since)
            break
        else:
            term.wait_for(step.then or "", timeout=0.1, since=since)  # raises, with the screen
    timing.cpu = term.cpu_seconds() - cpu_before
    return timing
