"""Trainee mode: a round of vignettes (TrainApp), the decision map and the tree outline.

The map and outline screens stand alone, so the consultation app's palette can push them.
"""
