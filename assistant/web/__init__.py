"""spine-assist in a browser: `spine-assist serve`, a thin shell over textual-serve.

Nothing in assistant.core imports this package (an import-linter contract checks it).
"""
