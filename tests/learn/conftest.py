"""Fixtures for trainee mode: the shipped vignettes and a copy of the tree to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.core.model import Tree
from assistant.core.vignettes import Vignette, load_vignettes, vignettes_file
from tests.conftest import DEFAULT_TREE

VIGNETTES = vignettes_file(DEFAULT_TREE)


@pytest.fixture(scope="session")
def vignettes(tree: Tree) -> list[Vignette]:
    return load_vignettes(tree, VIGNETTES)


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    """The default tree and its vignettes, copied where a test may break them."""
    target = tmp_path / DEFAULT_TREE.name
    shutil.copy(DEFAULT_TREE, target)
    shutil.copy(VIGNETTES, vignettes_file(target))
    return target

