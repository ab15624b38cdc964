"""The Textual shell: app, screens, widgets. Imported only by the TUI commands."""
