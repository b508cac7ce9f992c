"""Texts made to be slow: what the frame code must take in linear time (tests and quote_scaling.py)."""

from __future__ import annotations


def nested(depth: int) -> str:
    """'Smith said: “he said ‘he said “…” he said’ he said.”', ``depth`` quotations deep."""
    s = "it is over"
    for i in range(depth):
        o, c = ("“", "”") if i % 2 else ("‘", "’")
        s = f"he said {o}{s}{c} he said"
    return f"Smith said: “{s}.”"


def chain(n: int) -> str:
    """'Jones said that Smith said that … it rained.', ``n`` reports long."""
    names = ["Jones", "Smith", "Brown", "Lee"]
    return " ".join(f"{names[i % 4]} said that" for i in range(n)) + " it rained."
