"""coreferee's neural scorer, factorised: the same weights and answers, the first layer applied per mention.

coreferee scores every (anaphor, candidate) pair with an ensemble of five networks whose
first layer reads the anaphor's features, the candidate's features and five numbers about
the pair. That layer is linear before its ReLU, so the first two parts are multiplied once
per anaphor and once per candidate and added per pair (see ``docs/coreference.md``).
"""

from __future__ import annotations

import contextlib

import numpy as np
from spacy.tokens import Doc, Token


class OneBlasThread:
    """A context in which numpy's BLAS uses one thread (and nothing else in the process is touched).

    The scorer's products are small (a few hundred rows): OpenBLAS's extra
    thread spins for them, costing more CPU than it saves, and with
    ``--jobs`` it takes the core another worker needs. The limit holds only
    while the scorer multiplies, so a program that imports quotetrack keeps
    its own BLAS settings. spaCy's own layers use blis, which this does not touch.
    """

    def __init__(self) -> None:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:  # a dependency; without it the answers are the same, only slower
            self.controller = None
        else:
            self.controller = ThreadpoolController()

    def __call__(self):
        if self.controller is None:
            return contextlib.nullcontext()
        return self.controller.limit(limits=1, user_api="blas")


class FeatureMaps:
    """coreferee's ``get_feature_map``: which of the feature table's values a token (or mention) has.

    The same eleven blocks in the same order (the token's tag, morphology,
    entity type, dependencies to its children on each side, its own
    dependency on each side of its head, and its head's tag, morphology and
    children's dependencies), with the morphology and children of a
    mention's coordinated siblings added, as coreferee does; each value is
    looked up in an index instead of being compared with every entry of
    the table.
    """

    BLOCKS = (
        "tags", "morphs", "ent_types", "lefthand_deps_to_children", "righthand_deps_to_children",
        "lefthand_deps_to_parents", "righthand_deps_to_parents", "parent_tags", "parent_morphs",
        "parent_lefthand_deps_to_children", "parent_righthand_deps_to_children",
    )

    def __init__(self, analyzer) -> None:
        table = analyzer.feature_table
        self.root_dep = analyzer.rules_analyzer.root_dep
        self.index = []
        offset = 0
        for name in self.BLOCKS:
            values = getattr(table, name)
            self.index.append({value: offset + k for k, value in enumerate(values)})
            offset += len(values)
        self.width = offset

    def of(self, doc: Doc, root: int, siblings: tuple = ()) -> list:
        token = doc[root]
        tokens = [token, *(doc[i] for i in siblings)]
        found = [0] * self.width
        (tags, morphs, ents, left_children, right_children, left_parent, right_parent,
         parent_tags, parent_morphs, parent_left, parent_right) = self.index

        def mark(index: dict, values) -> None:
            for value in values:
                k = index.get(value)
                if k is not None:
                    found[k] = 1

        def mark_children(t: Token, left: dict, right: dict) -> None:
            # each child once, on its side (coreferee walks the children once per side)
            i = t.i
            for c in t.children:
                k = (left if c.i < i else right).get(c.dep_)
                if k is not None:
                    found[k] = 1

        mark(tags, (token.tag_,))
        for t in tokens:
            mark(morphs, t.morph)
        mark(ents, (token.ent_type_,))
        for t in tokens:
            mark_children(t, left_children, right_children)
        if token.dep_ != self.root_dep:
            head = token.head
            if token.i < head.i:
                mark(left_parent, (token.dep_,))
            if token.i > head.i:
                mark(right_parent, (token.dep_,))
            mark(parent_tags, (head.tag_,))
            mark(parent_morphs, head.morph)
            mark_children(head, parent_left, parent_right)
        return found


class Positions:
    """coreferee's ``get_position_map`` for one document, from depths computed once per token.

    The seven numbers, as coreferee computes them: the token's place in its
    sentence, its depth below the root, how many of its ancestors are verbs,
    how many tokens before it in its sentence sit at its depth, its place
    among its head's children (-1 for a root), its number of coordinated
    siblings (-1 when it is itself coordinated, or has siblings but is asked
    about alone), and whether it hangs in another token's coordination.
    """

    def __init__(self, rules, doc: Doc) -> None:
        root_dep = rules.root_dep
        verb_pos = rules.verb_pos
        n = len(doc)
        heads = [t.head.i for t in doc]
        roots = [t.dep_ == root_dep for t in doc]
        is_verb = [t.pos_ in verb_pos for t in doc]
        depth, verbs = [-1] * n, [0] * n
        for i in range(n):
            path = []
            j = i
            while depth[j] < 0 and heads[j] != j:
                path.append(j)
                j = heads[j]
            if depth[j] < 0:  # a sentence root
                depth[j], verbs[j] = 0, 0
            for k in reversed(path):
                h = heads[k]
                depth[k] = depth[h] + 1
                verbs[k] = verbs[h] + (1 if is_verb[h] else 0)
        same_depth_before = [0] * n
        child_place = [-1] * n
        sent_start = [0] * n
        for sent in doc.sents:
            seen: dict[int, int] = {}
            for i in range(sent.start, sent.end):
                same_depth_before[i] = seen.get(depth[i], 0)
                seen[depth[i]] = same_depth_before[i] + 1
                sent_start[i] = sent.start
        children_seen: dict[int, int] = {}
        for i in range(n):
            if heads[i] != i:
                child_place[i] = children_seen.get(heads[i], 0)
                children_seen[heads[i]] = child_place[i] + 1
        self.doc, self.roots = doc, roots
        self.depth, self.verbs, self.same_depth_before, self.child_place, self.sent_start = (
            depth, verbs, same_depth_before, child_place, sent_start,
        )

    def map(self, i: int, multi_token_mention: bool) -> list:
        holder = self.doc[i]._.coref_chains
        governed = holder.temp_governing_sibling is not None
        siblings = len(holder.temp_dependent_siblings)
        return [
            i - self.sent_start[i],
            self.depth[i],
            self.verbs[i],
            self.same_depth_before[i],
            -1 if self.roots[i] else self.child_place[i],
            -1 if governed or (siblings > 0 and not multi_token_mention) else siblings,
            1 if governed else 0,
        ]


class PairFacts:
    """coreferee's ``get_compatibility_map`` for one document, from facts gathered once per token.

    The five numbers, as coreferee computes them: distance in words, distance
    in sentences, whether the candidate (or its head, or the head of its
    coordination) governs the anaphor, the similarity of the two heads'
    vectors (-1 when either is a root or has none), and how many features
    the two share.
    """

    def __init__(self, analyzer, doc: Doc) -> None:
        self.analyzer = analyzer
        self.doc = doc
        self.root_dep = analyzer.rules_analyzer.root_dep
        self.facts: dict[int, tuple] = {}
        self.ancestors: dict[int, frozenset] = {}
        self.vectors: dict[int, tuple] = {}
        self.own_similarity = not doc.user_token_hooks and self._orth_keyed(doc)

    @staticmethod
    def _orth_keyed(doc: Doc) -> bool:
        from spacy.attrs import ORTH

        return getattr(doc.vocab.vectors, "attr", ORTH) == ORTH

    def _fact(self, i: int) -> tuple:
        fact = self.facts.get(i)
        if fact is None:
            token = self.doc[i]
            holder = token._.coref_chains
            not_root = token.dep_ != self.root_dep
            governing = holder.temp_governing_sibling
            vocab = self.analyzer.vectors_nlp.vocab
            fact = self.facts[i] = (
                holder.temp_sent_index,
                not_root,
                token.head.i if not_root else None,
                None if governing is None else (governing.i, governing.head.i if governing.dep_ != self.root_dep else None),
                vocab[token.head.lemma_].has_vector if not_root else False,
                token.has_vector,
            )
        return fact

    def _ancestors(self, i: int) -> frozenset:
        found = self.ancestors.get(i)
        if found is None:
            found = self.ancestors[i] = frozenset(t.i for t in self.doc[i].ancestors)
        return found

    def _similarity(self, referred: int, referring: int) -> float:
        doc = self.doc
        a, b = doc[referred], doc[referring]
        if not self.own_similarity:
            return a.similarity(b)
        # spacy.tokens.Token.similarity, without its warnings, each token's vector and norm fetched once
        if a.orth == b.orth:
            return 1.0
        (va, na), (vb, nb) = self._vector(referred), self._vector(referring)
        if na == 0 or nb == 0:
            return 0.0
        return (np.dot(va, vb) / (na * nb)).item()

    def _vector(self, i: int) -> tuple:
        found = self.vectors.get(i)
        if found is None:
            token = self.doc[i]
            found = self.vectors[i] = (token.vector, token.vector_norm)
        return found

    def compatibility(self, referred: int, referring: int) -> list:
        """The map without its last number (the shared features), which the caller counts for all pairs at once."""
        doc = self.doc
        ref_sent, ref_not_root, ref_head, ref_governing, ref_head_lex_vector, ref_has_vector = self._fact(referred)
        ing_sent, ing_not_root, _, _, ing_head_lex_vector, ing_has_vector = self._fact(referring)
        ancestors = self._ancestors(referring)
        governs = (
            referred in ancestors
            or (ref_not_root and ref_head in ancestors)
            or (
                ref_governing is not None
                and (ref_governing[0] in ancestors or (ref_governing[1] is not None and ref_governing[1] in ancestors))
            )
        )
        if ref_not_root and ing_not_root:
            if ref_head_lex_vector and ing_head_lex_vector:
                vocab = self.analyzer.vectors_nlp.vocab
                similarity = vocab[doc[referred].head.lemma_].similarity(vocab[doc[referring].head.lemma_])
            elif ref_has_vector and ing_has_vector:
                similarity = self._similarity(referred, referring)
            else:
                similarity = -1
        else:
            similarity = -1
        return [referring - referred, ing_sent - ref_sent, 1 if governs else 0, similarity, 0]


def _dense_layers(model) -> list:
    """The (W, b) of every layer with weights under ``model``, in the order they are applied."""
    found = []

    def walk(layer) -> None:
        if layer.has_param("W") and layer.get_param("W") is not None:
            found.append((np.asarray(layer.get_param("W"), dtype=np.float32),
                          np.asarray(layer.get_param("b"), dtype=np.float32)))
        for child in layer.layers:
            walk(child)

    walk(model)
    return found


class Member:
    """One network of coreferee's ensemble, with its first layer split by input block."""

    VECTOR_WIDTH = 3  # each squeezed vector: 96 → 24 → 3

    def __init__(self, layers: list, feature_width: int, position_width: int, compat_width: int) -> None:
        (self.ref_a, self.ref_b), (self.ante_a, self.ante_b) = layers[0:2], layers[2:4]
        W1, self.b1 = layers[4]
        self.W2, self.b2 = layers[5]
        self.W3, self.b3 = layers[6]
        v, f, p, c = self.VECTOR_WIDTH, feature_width, position_width, compat_width
        assert W1.shape[1] == 2 * v + 2 * (f + p) + c, W1.shape
        # Input row: [referrer vector (3), antecedent vector (3), referrer features (f),
        # referrer position (p), antecedent features (f), antecedent position (p), pair (c)].
        s = 2 * v
        self.W_ref_vec, self.W_ante_vec = W1[:, 0:v], W1[:, v:s]
        self.W_ref_static = W1[:, s : s + f + p]
        self.W_ante_static = W1[:, s + f + p : s + 2 * (f + p)]
        self.W_pair = W1[:, s + 2 * (f + p) :]

    @staticmethod
    def _squeeze(vectors: np.ndarray, first, second) -> np.ndarray:
        (Wa, ba), (Wb, bb) = first, second
        return np.maximum(np.maximum(vectors @ Wa.T + ba, 0) @ Wb.T + bb, 0)

    def squeezed(self, ref_vec, ante_vec) -> tuple:
        return self._squeeze(ref_vec, self.ref_a, self.ref_b), self._squeeze(ante_vec, self.ante_a, self.ante_b)


def _active_product(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``x @ w`` over the columns of ``x`` holding a non-zero: of the 319 feature and position
    columns of a window's anaphors or candidates, about 40 and 80 are ever set, so this is the same
    sum of products for a quarter of the work (the ensemble's products were half the scorer's time)."""
    cols = np.flatnonzero(x.any(axis=0))
    return x[:, cols] @ w[cols]


class Ensemble:
    """The five members side by side: one matrix product per block for all of them."""

    def __init__(self, members: list) -> None:
        self.members = members
        self.n, self.width = len(members), members[0].b1.shape[0]
        self.W_ref_static = np.ascontiguousarray(np.concatenate([m.W_ref_static for m in members], axis=0).T)
        self.W_ante_static = np.ascontiguousarray(np.concatenate([m.W_ante_static for m in members], axis=0).T)
        self.W_pair = np.ascontiguousarray(np.concatenate([m.W_pair for m in members], axis=0).T)
        self.b1 = np.concatenate([m.b1 for m in members])
        self.W2 = np.stack([m.W2.T for m in members])  # members × 639 × 20
        self.b2 = np.stack([m.b2 for m in members])[:, None, :]
        self.W3 = np.stack([m.W3.T for m in members])  # members × 20 × 1
        self.b3 = np.stack([m.b3 for m in members])[:, None, :]

    def logits(self, ref_vec, ref_static, ante_vec, ante_static, pair, ref_of_pair, ante_of_pair) -> np.ndarray:
        """Each member's logit for each pair (pairs × members): the first layer as the sum of its parts."""
        squeezed = [m.squeezed(ref_vec, ante_vec) for m in self.members]
        ref_part = _active_product(ref_static, self.W_ref_static)
        ref_part += np.concatenate([r @ m.W_ref_vec.T for m, (r, _) in zip(self.members, squeezed)], axis=1)
        ante_part = _active_product(ante_static, self.W_ante_static)
        ante_part += np.concatenate([a @ m.W_ante_vec.T for m, (_, a) in zip(self.members, squeezed)], axis=1)
        hidden = ref_part[ref_of_pair]
        hidden += ante_part[ante_of_pair]
        hidden += pair @ self.W_pair
        hidden += self.b1
        np.maximum(hidden, 0, out=hidden)
        hidden = hidden.reshape(len(pair), self.n, self.width).transpose(1, 0, 2)  # members × pairs × 639
        second = np.maximum(hidden @ self.W2 + self.b2, 0)
        return (second @ self.W3 + self.b3)[:, :, 0].T


class FactorisedScorer:
    """``TendenciesAnalyzer.score`` with the ensemble's first layer applied per anaphor and per candidate."""

    POSITION_WIDTH = 7
    COMPAT_WIDTH = 5

    def __init__(self, tendencies_analyzer, ensemble) -> None:
        from coreferee.tendencies import ENSEMBLE_SIZE

        self.analyzer = tendencies_analyzer
        self.features = FeatureMaps(tendencies_analyzer)
        feature_width = self.features.width
        layers = _dense_layers(ensemble)
        per_member = len(layers) // ENSEMBLE_SIZE
        assert per_member == 7 and len(layers) == 7 * ENSEMBLE_SIZE, [w.shape for w, _ in layers]
        self.members = [
            Member(layers[k * per_member : (k + 1) * per_member], feature_width, self.POSITION_WIDTH, self.COMPAT_WIDTH)
            for k in range(ENSEMBLE_SIZE)
        ]
        self.ensemble = Ensemble(self.members)
        self.one_blas_thread = OneBlasThread()

    def score(self, doc: Doc, thinc_ensemble=None) -> None:
        # Noted by coref_init.initialize (coreferee's own initialize notes nothing: every token is looked at).
        referrers = getattr(doc._.coref_chains, "temp_quotetrack_referrers", None)
        if referrers is None:
            referrers = []
            for token in doc:
                holder = token._.coref_chains
                if hasattr(holder, "temp_potential_referreds"):
                    referrers.append((token, holder.temp_potential_referreds))
        if not referrers:
            return
        arrays = self._inputs(doc, referrers)
        if arrays is None:
            return
        with self.one_blas_thread():
            logits = self.ensemble.logits(*arrays)  # pairs × members
        # thinc's softmax_sequences: clipped, per anaphor over its candidates, per member.
        exp = np.exp(np.clip(logits, -20.0, 20.0))
        ref_of_pair = arrays[5]
        totals = np.zeros((len(referrers), exp.shape[1]), dtype=np.float32)
        np.add.at(totals, ref_of_pair, exp)
        scores = (exp / totals[ref_of_pair]).mean(axis=1).tolist()
        p = 0
        for token, candidates in referrers:
            for mention in candidates:
                mention.temp_score = scores[p]
                p += 1
            candidates.sort(key=lambda m: (m.temp_is_uncertain, 0 - m.temp_score))

    def _inputs(self, doc: Doc, referrers: list) -> tuple | None:
        """The ensemble's inputs: a row per anaphor, per distinct candidate and per pair (None: no pair).

        Sorts each anaphor's candidates by position, as coreferee does before scoring.
        """
        analyzer = self.analyzer
        vocab = analyzer.vectors_nlp.vocab
        vectors: dict[int, np.ndarray] = {}

        def vector(i: int) -> np.ndarray:
            # coreferee's _set_vectors, its temp_vector only (the ensemble reads no head vector,
            # see Member), kept here instead of on the token through spaCy's extension attributes
            found = vectors.get(i)
            if found is None:
                token = doc[i]
                own = token.vector
                lexeme = vocab[token.lemma_]
                found = vectors[i] = own if not lexeme.has_vector and len(own) > 0 else lexeme.vector
            return found

        pairs = PairFacts(analyzer, doc)
        positions = Positions(analyzer.rules_analyzer, doc)
        ref_vec, ref_static = [], []
        ante_index: dict[tuple, int] = {}
        ante_vec, ante_static = [], []
        pair_rows, ref_of_pair, ante_of_pair = [], [], []
        for r, (token, candidates) in enumerate(referrers):
            ref_vec.append(vector(token.i))
            ref_static.append(self.features.of(doc, token.i) + positions.map(token.i, False))
            candidates.sort(key=lambda m: m.root_index)
            for mention in candidates:
                key = tuple(mention.token_indexes)
                k = ante_index.get(key)
                if k is None:
                    k = ante_index[key] = len(ante_vec)
                    if len(key) == 1:
                        ante_vec.append(vector(key[0]))
                    else:
                        ante_vec.append(np.asarray([vector(i) for i in key], dtype=np.float32).mean(axis=0))
                    feature_map = self.features.of(doc, key[0], key[1:])
                    position_map = positions.map(mention.root_index, len(key) > 1)
                    ante_static.append(feature_map + position_map)
                # The maps of a candidate depend on its tokens only: coreferee computes them
                # again for every anaphor that has it as a candidate; here they are reused.
                pair_rows.append(pairs.compatibility(mention.root_index, token.i))
                ref_of_pair.append(r)
                ante_of_pair.append(k)
        if not pair_rows:
            return None
        arrays = (
            np.asarray(ref_vec, dtype=np.float32),
            np.asarray(ref_static, dtype=np.float32),
            np.asarray(ante_vec, dtype=np.float32),
            np.asarray(ante_static, dtype=np.float32),
            np.asarray(pair_rows, dtype=np.float32),
            np.asarray(ref_of_pair, dtype=np.intp),
            np.asarray(ante_of_pair, dtype=np.intp),
        )
        # The map's last number: how many features the two share (feature maps are 0/1).
        width = self.features.width
        ref_features, ante_features = arrays[1][:, :width], arrays[3][:, :width]
        arrays[4][:, 4] = (ref_features[arrays[5]] * ante_features[arrays[6]]).sum(axis=1)
        return arrays
