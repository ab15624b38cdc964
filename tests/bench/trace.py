"""In-app timestamps for key-to-paint latency, without touching the app's code.

Run as `python tests/bench/trace.py OUT.json swap|app [args]`: installs two hooks on
Textual itself, then starts the reference swap app or spine-assist. The hooks record

* key received: the time Textual stamped on each Key event when its input thread parsed
  the bytes (`Message.time`, the monotonic clock), and
* painted: the time each frame was handed to the terminal writer (`LinuxDriver.write`).

The harness later pairs each key with the first frame after it that shows the next
question's prompt. Both apps are measured through the same hooks, so the ratio is fair.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
import time


def install(out: str) -> None:
    from textual import events
    from textual.driver import Driver
    from textual.drivers.linux_driver import LinuxDriver

    keys: list[tuple[float, str]] = []
    writes: list[tuple[float, str]] = []
    process_message = Driver.process_message
    write = LinuxDriver.write

    def traced_process_message(self, message):  # type: ignore[no-untyped-def]
        if isinstance(message, events.Key):
            keys.append((message.time, message.key))
        return process_message(self, message)

    def traced_write(self, data: str) -> None:
        writes.append((time.monotonic(), data))
        write(self, data)

    Driver.process_message = traced_process_message  # type: ignore[method-assign]
    if os.environ.get("BENCH_EMPTY_FOOTER"):  # experiment: what the footer costs per key
        from textual.widgets import Footer

        Footer.compose = lambda self: iter(())  # type: ignore[method-assign]
    LinuxDriver.write = traced_write  # type: ignore[method-assign]

    def dump() -> None:
        with open(out, "w", encoding="utf-8") as handle:
            json.dump({"keys": keys, "writes": writes}, handle)

    atexit.register(dump)


def main(argv: list[str]) -> int:
    out, kind, *rest = argv
    install(out)
    if kind == "swap":
        from pathlib import Path

        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from ref_app import SwapApp  # type: ignore[import-not-found]

        SwapApp().run()
        return 0
    from assistant.cli import main as cli_main

    return cli_main(rest)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
