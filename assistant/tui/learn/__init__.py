"""Trainee mode: a round of vignettes (TrainApp), the decision map and the tree outline.

`DecisionMapScreen(tree)` and `TreeOutlineScreen(tree, path)` stand alone, so the
consultation app can push them from its command palette.
"""
