"""Pick the speaker of a quote: a known one by any part of any of its names, or a new name.

Each speaker is listed once, under the name it is shown by, with its other
names (aliases) beneath; typing finds it by any of them. Given a function
of the typed text rather than a list, the picker asks it for its speakers at
each change (the review: the most quoted and those holding what is typed,
read from the store), so it never holds every speaker of a large store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from ...review import Match, SpeakerChoice, fuzzy_match
from ..drawing import plain

STRONG_MATCH = 400  # fuzzy_match scores from here up: the typed text occurs in the name


class SpeakerPicker(ModalScreen[str | None]):
    """Pick a known speaker by typing any part of the name (fuzzy), or type a new name."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
    ]

    def __init__(self, speakers: Sequence[SpeakerChoice] | Callable[[str], Sequence[SpeakerChoice]],
                 current: str | None) -> None:
        super().__init__()
        self.source = speakers if callable(speakers) else None
        self._take([] if callable(speakers) else speakers)  # (a source is asked when the list is filled)
        self.current = current

    def _take(self, speakers: Sequence[SpeakerChoice]) -> None:
        self.speakers = list(speakers)
        # every name once, with the speaker it belongs to (a name two speakers hold: the more quoted)
        self.owner: dict[str, int] = {}
        for i, speaker in enumerate(self.speakers):
            for name in speaker.names:
                self.owner.setdefault(name, i)
        self.names = list(self.owner)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="speaker-dialog"):
            title = Text("Speaker of this quote", style="bold")
            if self.current:
                title.append("  (now: ", style="dim")
                title.append_text(plain(self.current, "dim"))
                title.append(")", style="dim")
            yield Label(title)
            yield Input(placeholder="type to search known speakers, or a new name", id="speaker-query")
            yield OptionList(id="speaker-options")
            yield Label(Text("↑↓ choose · Enter set · Esc cancel", style="dim"))

    def on_mount(self) -> None:
        self._fill("")

    def _fill(self, query: str) -> None:
        options = self.query_one("#speaker-options", OptionList)
        options.clear_options()
        typed = " ".join(query.split())
        if self.source is not None:
            self._take(self.source(typed))
        matches = self._best_per_speaker(fuzzy_match(typed, self.names, limit=200))[:40]
        # Speakers with a name containing what was typed come first (Enter takes the best), then
        # the typed text as a new name, then those that only have its letters in order.
        strong = [(i, m) for i, m in enumerate(matches) if m.score >= STRONG_MATCH]
        weak = [(i, m) for i, m in enumerate(matches) if m.score < STRONG_MATCH]
        items: list[Option] = [self._option(i, m) for i, m in strong]
        known = {name.casefold() for m in matches for name in self.speakers[self.owner[m.name]].names}
        if typed and typed.casefold() not in known:
            prompt = Text("+ new speaker: ", style="bold green")
            prompt.append_text(plain(typed))
            items.append(Option(prompt, id="new"))
        items.extend(self._option(i, m) for i, m in weak)
        self._matches = matches
        self._typed = typed
        options.add_options(items)
        if items:
            options.highlighted = 0

    def _best_per_speaker(self, matches: list[Match]) -> list[Match]:
        """The best-ranked name of each speaker only: a speaker is listed once."""
        seen: set[int] = set()
        best = []
        for m in matches:
            speaker = self.owner[m.name]
            if speaker not in seen:
                seen.add(speaker)
                best.append(m)
        return best

    def _option(self, i: int, match: Match) -> Option:
        """The speaker's name, then its other names dimmed on the line below; the typed letters marked."""
        speaker = self.speakers[self.owner[match.name]]

        def marked(name: str, style: str = "") -> Text:
            text = plain(name, style)
            if name == match.name:
                for p in match.positions:
                    if p < len(text):
                        text.stylize(Style(bold=True, underline=True), p, p + 1)
            return text

        prompt = marked(speaker.name)
        prompt.append(f"  {speaker.quote_count:,} quote{'' if speaker.quote_count == 1 else 's'}", style="dim")
        if speaker.aliases:
            prompt.append("\n    ", style="dim")
            for k, alias in enumerate(speaker.aliases[:6]):
                prompt.append(", " if k else "also ", style="dim")
                prompt.append_text(marked(alias, "dim"))
            if len(speaker.aliases) > 6:
                prompt.append(f", … {len(speaker.aliases) - 6} more", style="dim")
        return Option(prompt, id=f"m{i}")

    @on(Input.Changed, "#speaker-query")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#speaker-query")
    def _submitted(self) -> None:
        options = self.query_one("#speaker-options", OptionList)
        if options.highlighted is not None:
            self._choose(options.get_option_at_index(options.highlighted).id)
        elif self._typed:
            self.dismiss(self._typed)

    @on(OptionList.OptionSelected, "#speaker-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, option_id: str | None) -> None:
        if option_id == "new":
            self.dismiss(self._typed)
        elif option_id and option_id.startswith("m"):
            # the speaker's own name, whichever of its names was found
            self.dismiss(self.speakers[self.owner[self._matches[int(option_id[1:])].name]].name)

    def action_move(self, step: int) -> None:
        options = self.query_one("#speaker-options", OptionList)
        if options.option_count:
            current = options.highlighted if options.highlighted is not None else -step
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_cancel(self) -> None:
        self.dismiss(None)
