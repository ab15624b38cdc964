"""Finding trees by id or path (the `--tree` option and `spine-assist trees`)."""

from __future__ import annotations

from pathlib import Path

from assistant.core import paths
from assistant.core.errors import InputError, Location, did_you_mean, one_of
from assistant.core.loader import load_tree
from assistant.core.model import Tree

DEFAULT_TREE = "miss-vs-oss"


def tree_files() -> list[Path]:
    """Tree files shipped in trees/ (vignette files are not trees)."""
    folder = paths.trees_dir()
    return sorted(
        p for p in folder.glob("*.yaml")
        if not p.name.endswith((".vignettes.yaml",)) and not p.name.startswith(".")
    )


def resolve_tree_path(name: str | None) -> Path:
    """A tree id from trees/ (miss-vs-oss -> trees/miss_vs_oss.yaml) or a file path."""
    name = name or DEFAULT_TREE
    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml", ".json") or "/" in name:
        return candidate
    by_stem = paths.trees_dir() / f"{name.replace('-', '_')}.yaml"
    if by_stem.exists():
        return by_stem
    ids = {}
    for file in tree_files():
        try:
            ids[load_tree(file).id] = file
        except InputError:
            continue
    if name in ids:
        return ids[name]
    raise InputError(f"unknown tree '{name}'{did_you_mean(name, ids)}",
                     Location(str(paths.trees_dir())), one_of(ids) if ids else None)


def open_tree(name: str | None) -> Tree:
    return load_tree(resolve_tree_path(name))
