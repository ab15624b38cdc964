"""Tree files to `Tree` models: read, schema check, build (references), graph soundness (lint).

Every problem is a located `TreeError`. A tree is cached by its content hash (in the process
and on disk); `check` proves it afresh every time.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from assistant.core.model import Tree
from assistant.core.source import read_text

_TREE_CACHE: dict[str, Tree] = {}
# A tree holds at most yamlio.MAX_NODES values (200,000: about 9,000 questions; the shipped
# tree has 27), so parsing a hostile file stops within seconds and 0.1 GB; bytes are capped
# too, before parsing (comments cost no values). Answer files stay at 2 MB.
MAX_TREE_BYTES = 8 * 1024 * 1024


def load_tree(path: Path | str, *, cached: bool = True) -> Tree:
    """`cached=False` (`check`) ignores the caches and stores nothing (writing a large tree's
    entry costs more than a tenth of its check)."""
    file = Path(path)
    text = read_text(file, "tree file", MAX_TREE_BYTES)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    key = f"{file.resolve()}:{digest}"
    if cached and key in _TREE_CACHE:
        return _TREE_CACHE[key]
    from assistant.core import cache  # a tree this code already proved sound loads in ~1 ms

    tree = cache.load(digest, str(file)) if cached else None
    if tree is None:
        # Only a tree the cache has not seen is parsed and proved (PyYAML, schema imported).
        from assistant.core.lint import check_graph
        from assistant.core.schema import validate_schema
        from assistant.core.tree_builder import TreeBuilder
        from assistant.core.yamlio import load_data

        with cache.gc_paused():
            data = load_data(text, str(file))
            validate_schema(data, str(file))
            tree = TreeBuilder(data, str(file), digest).build()
            check_graph(tree, data)
        if not cached:
            return tree
        cache.store(digest, tree)
    _TREE_CACHE[key] = tree
    return tree
