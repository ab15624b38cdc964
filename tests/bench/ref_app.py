"""Reference apps: the floor Textual itself sets, measured in the same run as spine-assist.

`minimal`: a header, one line of text and a four-item option list (cold start).
`swap`: the same, where a digit answers and the question and its options are swapped for
the next ones: the same standard widgets the app's questions use (key to paint, key to
settled, and memory after as many swaps). Run: python tests/bench/ref_app.py minimal|swap
"""

from __future__ import annotations

import sys
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header, OptionList, Static

PROMPT = "Is the reference ready for measuring?"

# Questions for the swap app: prompts and options of a similar size to the real tree's.
QUESTIONS = [
    (f"Reference question {i}: is the tumour at this level amenable to it?",
     [f"Option {j} for question {i}, with a short explanation" for j in range(1, 5)])
    for i in range(1, 200)
]


class MinimalApp(App[None]):
    """Header, one line of text, four options: nothing else."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(PROMPT, id="prompt")
        yield OptionList("Yes", "No", "Unknown", "Not applicable", id="options")


class SwapApp(MinimalApp):
    """A digit answers; the prompt and options are replaced by the next question's."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(str(n), f"pick({n})", show=False) for n in range(1, 5)
    ]

    def __init__(self) -> None:
        super().__init__()
        self.index = 0

    def action_pick(self, number: int) -> None:
        prompt, options = QUESTIONS[self.index % len(QUESTIONS)]
        self.index += 1
        self.query_one("#prompt", Static).update(prompt)
        option_list = self.query_one("#options", OptionList)
        option_list.clear_options()
        option_list.add_options(options)
        option_list.highlighted = 0


def main(argv: list[str]) -> None:
    kind = argv[0] if argv else "minimal"
    app = SwapApp() if kind == "swap" else MinimalApp()
    app.run()


if __name__ == "__main__":
    main(sys.argv[1:])
