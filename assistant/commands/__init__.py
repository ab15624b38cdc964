"""The headless commands' work, one module each; `assistant.cli` wires the arguments and
imports a module only when its command runs."""
