"""Choose a quote's words in its paragraph, a word at a time: the span editor (``b``, and ``+``)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ...review import SpanChoice, next_paragraph
from ...text import visible
from ..drawing import plain


class SpanEditor(ModalScreen[tuple[int, int] | None]):
    """The paragraph with the chosen words marked; the active edge's word shown reversed.

    ``←`` ``→`` move the active edge by a word (the end edge first), ``Tab`` switches edges,
    ``Home`` / ``End`` take it as far as it goes, ``Enter`` answers ``(start, end)``, ``Esc`` None.
    With ``paragraphs`` (adding a quote), ``↑`` ``↓`` go to the paragraph before or after.
    """

    COMPONENT_CLASSES = {"span--chosen", "span--edge"}
    BINDINGS = [
        Binding("left", "move(-1)", "Word left", show=False, priority=True),
        Binding("right", "move(1)", "Word right", show=False, priority=True),
        Binding("tab", "switch", "Other edge", show=False, priority=True),
        Binding("home", "far(-1)", "Far left", show=False),
        Binding("end", "far(1)", "Far right", show=False),
        Binding("up", "paragraph(-1)", "Paragraph before", show=False, priority=True),
        Binding("down", "paragraph(1)", "Paragraph after", show=False, priority=True),
        Binding("enter", "save", "Save", show=False, priority=True),
        Binding("escape", "cancel", "Cancel", show=False),
    ]

    def __init__(self, title: str, choice: SpanChoice, paragraphs: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.choice = choice
        self.paragraphs = paragraphs

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="span-dialog"):
            yield Label(plain(self.title_text, "bold"))
            with VerticalScroll(id="span-body"):
                yield Static(id="span-text")
            yield Static(id="span-words")
            self.keys_label = Label(id="span-keys")
            yield self.keys_label

    def on_mount(self) -> None:
        self._draw()

    def _draw(self) -> None:
        c = self.choice
        lo = c.paragraph.start
        body = Text(visible(c.doc_text[lo:c.paragraph.end]), end="")  # one character for one: offsets hold
        body.stylize(self.get_component_rich_style("span--chosen"), c.start - lo, c.end - lo)
        word = self._edge_word(c.end if c.active == "end" else c.start)
        if word is not None:
            body.stylize(self.get_component_rich_style("span--edge"), word[0] - lo, word[1] - lo)
        self.query_one("#span-text", Static).update(body)
        words = Text("words: ", style="dim")
        words.append_text(plain(visible(" ".join(c.text.split()), one_line=True)))
        self.query_one("#span-words", Static).update(words)
        keys = f"←→ move the {c.active} edge by a word · Tab the other edge\nEnter save · Esc cancel"
        if self.paragraphs:
            keys += " · ↑↓ another paragraph"
        self.keys_label.update(Text(keys, style="dim"))

    def _edge_word(self, edge: int) -> tuple[int, int] | None:
        """The word the active edge is on: the last chosen one (end edge) or the first (start edge)."""
        c = self.choice
        if c.active == "end":
            found = [(s, e) for s, e in zip(c.starts, c.ends) if e == edge]
        else:
            found = [(s, e) for s, e in zip(c.starts, c.ends) if s == edge]
        return found[0] if found else None

    def action_move(self, step: int) -> None:
        if self.choice.move(step):
            self._draw()

    def action_far(self, step: int) -> None:
        self.choice.edge_to_end(step)
        self._draw()

    def action_switch(self) -> None:
        self.choice.switch()
        self._draw()

    def action_paragraph(self, step: int) -> None:
        if not self.paragraphs:
            return
        c = self.choice
        found = next_paragraph(c.doc_text, c.paragraph, step)
        if found is not None:
            self.choice = SpanChoice(c.doc_text, found)
            self._draw()

    def action_save(self) -> None:
        c = self.choice
        self.dismiss((c.start, c.end) if c.words and c.text.strip() else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
