"""Every quote of the sample articles a reader would point to, found with its speaker.

The five seeds are what ``make demo`` extracts. These are the quotes of them that a reader
attributes without hesitation (direct quotes, and reports with a clear speaker and a clause
of their own); a retrained model, a new rule or a faster path must keep every one.
"""

from __future__ import annotations

import pytest

from quotetrack.run.inputs import normalise_text

SEED_QUOTES = {
    "000_24cfb4b393fa9714": [
        ("This corroborates the fact that NATO is not interested", "Sergey Lavrov"),
        ("If this is the case, we do not see much reason", "Sergey Lavrov"),
        ("that urgent issues between Russia and the alliance should be", "Sergey Lavrov"),
        ("Russia is responsible for aggressive actions against its neighbors", "Jens Stoltenberg"),
        ("We do note that NATO recently withdrew the accreditation", "Ned Price"),
        ("NATO’s policy towards Russia remains consistent", "Ned Price"),
        ("We welcome stiff competition", "Jen Psaki"),
    ],
    "001_c2473ebdf76ce4f4": [
        ("After certain measures taken by NATO, the basic conditions", "Sergey Lavrov"),
        ("that the measures will come into effect on November 1", "Sergey Lavrov"),
        ("NATO has already significantly reduced contacts with our mission", "Sergey Lavrov"),
        ("We have no official communication on the matter you have raised", "Oana Lungescu"),
        ("the Alliance may in the future contact the Russian ambassador", "Sergey Lavrov"),
        ("malevolent activities", "Jens Stoltenberg"),
    ],
    "002_361d358f14dbc6a8": [
        ("Russia plans to cease its diplomatic engagement", "Sergey Lavrov"),
        ("We have taken note of minister Lavrov’s comments to the media", "Oana Lungescu"),
        ("Russia’s entire diplomatic mission would leave by November 1", "Sergey Lavrov"),
        ("Nato could still convey diplomatic messages", "Sergey Lavrov"),
    ],
    "003_5e3ab957e0b508dd": [
        ("Following certain measures taken by NATO, the basic conditions", "Sergei Lavrov"),
        ("NATO has already greatly reduced its contacts with our mission", "Sergei Lavrov"),
        ("We see no reason to pretend that any change is possible", "Sergei Lavrov"),
        ("in case of urgent matters NATO could liaise via the Russian ambassador in Belgium", "Sergei Lavrov"),
        ("We have seen an increase in Russian malign activities", "Jens Stoltenberg"),
        ("at its lowest point since", "Jens Stoltenberg"),
    ],
    "004_e47f8fd8b3a91b16": [
        ("that his country is going to suspend the activities of the NATO", "Sergei Lavrov"),
        ("Moscow does not believe that any changes in Russia’s relations", "Sergei Lavrov"),
    ],
}


@pytest.fixture(scope="module")
def seed_quotes(nlp, seeds_dir):
    out = {}
    for name in SEED_QUOTES:
        doc = nlp(normalise_text((seeds_dir / f"{name}.txt").read_text(encoding="utf-8")))
        out[name] = [(q.text, q.speaker) for q in doc._.quotes]
    return out


@pytest.mark.parametrize("name, words, speaker", [(n, w, s) for n, quotes in SEED_QUOTES.items() for w, s in quotes])
def test_every_seed_quote_is_found_with_its_speaker(seed_quotes, name, words, speaker):
    found = [(text, who) for text, who in seed_quotes[name] if words in text]
    assert found, f"no quote holds {words!r}"
    assert any(who == speaker for _, who in found), found
