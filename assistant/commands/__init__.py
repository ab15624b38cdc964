"""The headless commands, one module each, imported by `assistant.cli` only when run."""
