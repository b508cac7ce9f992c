"""HTML articles (``.html``, ``.htm``): the article's text, without the page around it.

A saved news page holds far more than the article: menus, cookie banners,
related links, comment forms, footers. trafilatura, a main-text extractor
made for news pages, keeps the article's paragraphs (one a line) and reads
the page's title, date and author, which become the document's ``meta``.
It runs offline on the bytes given; the page's own ``<meta charset>`` says
how they are decoded.
"""

from __future__ import annotations

import logging

from .decoding import normalise_text

# What of trafilatura's metadata a document keeps (when the page has it).
META_FIELDS = ("title", "author", "date", "sitename", "url", "description", "categories", "tags", "language")

# trafilatura and its date finder log every page they find odd (an empty body, a
# discarded element) as warnings; a handler of their own keeps those off the
# terminal (Python prints warnings of loggers without one) while a program that
# configures logging still receives them.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


class NoArticle(ValueError):
    """The page holds no article text that the extractor could find."""


def extract_article(data: bytes) -> tuple[str, dict]:
    """(the article's text, its metadata) from an HTML page's bytes; :class:`NoArticle` when there is none.

    The text is normalised as every input is (line endings, BOM); paragraphs
    are separated by newlines. Metadata keeps :data:`META_FIELDS` that the
    page gives, as strings (lists for categories and tags).
    """
    import trafilatura  # imported when a page is read: it takes a moment to load

    try:
        result = trafilatura.bare_extraction(
            data, with_metadata=True, include_comments=False, include_tables=True, include_images=False,
        )
    except (ValueError, TypeError, AttributeError) as exc:  # a page lxml cannot make a tree of
        raise NoArticle(f"not a readable HTML page ({type(exc).__name__}: {exc})") from None
    text = normalise_text(getattr(result, "text", None) or "") if result is not None else ""
    if not text.strip():
        raise NoArticle("no article text found in the HTML page")
    return text, _meta(result)


def _meta(result) -> dict:
    meta = {}
    for key in META_FIELDS:
        value = getattr(result, key, None)
        if isinstance(value, str) and value.strip():
            value = value.strip()
            if key in ("categories", "tags"):
                value = [v.strip() for v in value.split(",") if v.strip()]
            meta[key] = value
        elif isinstance(value, list) and value:
            meta[key] = [str(v) for v in value]
    return meta
