"""Page furniture that is not the article: no quotes come from it.

Scraped news text carries cookie banners, comment forms ("Leave a Reply",
"Please enter your comment!"), copyright lines and lists of unrelated
headlines ("Prince William Warned His Future Reign …"). Quotation marks and
verbs in them ("'I'm Not A Sufferer'", "Warned") would otherwise become
quotes. This module finds those paragraphs by their look, on characters
only, so it costs nothing and never depends on the parse.
"""

from __future__ import annotations

import re

from ..text import paragraphs

_COOKIE = re.compile(r"\bcookies?\b", re.I)
_COOKIE_CONTEXT = re.compile(r"\b(website|browser|consent|accept|privacy|experience|settings)\b", re.I)
_FORM = re.compile(
    r"^\s*(leave a (reply|comment)|no comments?|\d+ comments?|please enter your (comment|name|email)"
    r"|your email address will not be published|required fields are marked|post comment|cancel reply"
    r"|save my name|notify me of|log ?in to (reply|comment)|share this( article)?|related( articles| posts)?:?"
    r"|read more|exit mobile version|about the author|sign up for|subscribe( to)?\b|advertisement|follow us)",
    re.I,
)
_COPYRIGHT = re.compile(r"(©|\(c\)\s*\d{4}|\bcopyright\b|all rights reserved)", re.I)
_END_PUNCT = re.compile(r"""[.!?…]["”’'»)]*\s*$""")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")

# A run of at least this many headline-like lines is a list of links, not the article.
HEADLINE_RUN = 3
HEADLINE_MAX_WORDS = 22


def boilerplate_spans(text: str) -> list[tuple[int, int]]:
    """Character spans (whole paragraphs) that are page furniture."""
    paras = paragraphs(text)
    flags = [_furniture(text[a:b]) for a, b in paras]
    headline = [_headline_like(text[a:b]) for a, b in paras]
    for i, (a, b) in enumerate(paras):
        if _LIST_HEADER.match(text[a:b]):
            # 'Related stories:' then links in any case: every short unpunctuated line after it
            flags[i] = True
            k = i + 1
            while k < len(paras) and _link_like(text[paras[k][0] : paras[k][1]]):
                flags[k] = True
                k += 1
    i = 0
    while i < len(paras):
        if headline[i]:
            j = i
            while j < len(paras) and headline[j]:
                j += 1
            if j - i >= HEADLINE_RUN:
                for k in range(i, j):
                    flags[k] = True
            i = j
        else:
            i += 1
    return [span for span, flag in zip(paras, flags) if flag]


_MARKUP = re.compile(r"^\s*</?[a-z][\w-]*[\s>/]", re.I)


def _furniture(para: str) -> bool:
    words = len(para.split())
    if _MARKUP.match(para):  # embedded widgets: <tweet ...>, <img ...>
        return True
    if _COOKIE.search(para) and _COOKIE_CONTEXT.search(para) and words < 120:
        return True
    if _FORM.match(para) and words <= 25:
        return True
    if _COPYRIGHT.search(para) and words <= 30:
        return True
    return False


_LIST_HEADER = re.compile(
    r"^\s*(related( stories| articles| posts| coverage| links)?|more (from|on|stories)\b.*|recommended( for you)?"
    r"|read (more|next|also)|you (may|might) also like|trending( now)?|most (popular|read)|top stories"
    r"|see also|also on [\w .]+)\s*:?\s*$",
    re.I,
)


def _link_like(para: str) -> bool:
    """A short line that does not end a sentence: a headline in a list of links."""
    line = para.strip()
    return bool(line) and len(line.split()) <= HEADLINE_MAX_WORDS and not _END_PUNCT.search(line)


def _headline_like(para: str) -> bool:
    """A short line in Title Case without sentence-final punctuation (or ending in a dash)."""
    line = para.strip()
    words = _WORD.findall(line)
    if not words or len(line.split()) > HEADLINE_MAX_WORDS:
        return False
    ends_like_link = line.endswith(("-", "–", "—", "|", "»"))
    if _END_PUNCT.search(line) and not ends_like_link:
        return False
    long_words = [w for w in words if len(w) > 3]
    if not long_words:
        return ends_like_link
    capitalised = sum(1 for w in long_words if w[0].isupper()) / len(long_words)
    return capitalised >= 0.6 or ends_like_link
