"""The review TUI (Textual). Start it with ``quotetrack review``."""
