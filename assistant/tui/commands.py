"""The command palette: every action of the app, named "area: what it does".

Offered via `SpineAssistApp.get_system_commands` only where `check_action` allows them, so
the palette never offers something that would do nothing.
"""

from __future__ import annotations

# (title, action, where, help): where is "screen" (the screen's action) or "app".
COMMANDS: tuple[tuple[str, str, str, str], ...] = (
    ("consult: back one question", "back", "screen", "Take back the last answer"),
    ("consult: why this matters", "why", "screen",
     "The rationale, the source section and the passage"),
    ("consult: change an earlier answer", "edit", "screen", "Pick an answer in the transcript"),
    ("consult: review the answers", "review", "screen", "Every answer by section"),
    ("view: toggle the side panel", "toggle_panel", "screen", "Sections and factors so far"),
    ("review: show the recommendation", "result", "screen",
     "The recommendation, its reasons and the plan"),
    ("result: export the note", "export", "screen",
     "Markdown, text, HTML, JSON or FHIR, to a file (a download in a browser)"),
    ("result: copy the note", "copy", "screen", "Copy the Markdown note to the clipboard"),
    ("result: what if...", "what_if", "screen",
     "Try another value for an answer and see what changes"),
    ("result: change an answer", "change", "screen", "Back to the review of the answers"),
    ("answers: keep them in a file", "keep_answers", "app",
     "They are not being saved: write them where you choose (or continue a copy)"),
    ("consult: restart", "restart", "app", "A new consultation"),
    ("consult: switch tree", "switch_tree", "app", "Start a consultation on another tree"),
    ("learn: decision map", "decision_map", "app",
     "Which answers favor OSS, MISS or nonoperative care, with sources"),
    ("learn: tree outline (current path)", "tree_outline", "app",
     "The whole tree as an outline, this consultation's path marked"),
)
