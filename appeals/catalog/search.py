"""The site's search: what people type ("Saphnelo Cigna", "lupus", "BCBS",
"step therapy", "xeljanz", a misspelt "saphenlo") to the pages that answer it.

Each word is matched on its own: drugs by name, brand, generic name and, for a
word of four letters or more, the condition in their labelled indication;
payers by name and alias (with the abbreviations people use, e.g. BCBS); denial
types by name, and the whole query as a phrase too.  A query naming both a drug
and a payer also lists their guides.  Only what has a published guide is
found.  When nothing matches, each word is compared with the catalog's own
words (Python's difflib, the same on SQLite and PostgreSQL: the catalog's
names are a few thousand words at most) and the search runs again with the
close ones, saying so.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q

from appeals.catalog.models import UNLISTED, DenialType, Drug, Guide, Payer

SEARCH_LIMIT = 20
# Words that say nothing about which page is meant.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "appeal",
        "appeals",
        "by",
        "denial",
        "denied",
        "deny",
        "drug",
        "for",
        "how",
        "i",
        "insurance",
        "insurer",
        "is",
        "my",
        "of",
        "on",
        "or",
        "plan",
        "the",
        "to",
        "was",
        "what",
        "with",
    ]
)
# Abbreviations people type for a payer, and the words the catalog uses.
ABBREVIATIONS = {"bcbs": "blue cross", "uhc": "unitedhealthcare", "fep": "federal employee program"}
CONDITION_MIN_LENGTH = 4  # "ra" or "sle" in an indication's text would match too much
CLOSE_ENOUGH = 0.8


@dataclass
class SearchResult:
    query: str
    drugs: list = field(default_factory=list)
    payers: list = field(default_factory=list)
    denials: list = field(default_factory=list)
    guides: list = field(default_factory=list)
    corrected: str = ""  # the words searched instead, when the typed ones matched nothing
    too_short: bool = False

    @property
    def empty(self) -> bool:
        return not (self.drugs or self.payers or self.denials or self.guides)


def has_published_guide(link: str) -> Exists:
    """For a Drug, Payer or DenialType queryset: at least one published guide.
    An indexed probe per row, not a join of every guide and a DISTINCT."""
    return Exists(Guide.objects.filter(published=True, **{link: OuterRef("pk")}))


def words_of(query: str) -> list[str]:
    return [word for word in re.findall(r"[\w'-]+", query.lower()) if len(word) >= 2 and word not in STOP_WORDS]


def _any(conditions: list[Q]) -> Q | None:
    return reduce(or_, conditions) if conditions else None


def search_catalog(query: str) -> SearchResult:
    query = query.strip()[:100]
    if len(query) < 2:
        return SearchResult(query=query, too_short=bool(query))
    result = _search(query, words_of(query))
    if result.empty:
        vocabulary = catalog_words()
        corrected = [close_word(word, vocabulary) for word in words_of(query)]
        if any(corrected) and corrected != words_of(query):
            words = [fixed or word for word, fixed in zip(words_of(query), corrected, strict=True)]
            result = _search(query, words, phrase=" ".join(words))
            result.corrected = " ".join(words) if not result.empty else ""
    return result


def _search(query: str, words: list[str], phrase: str | None = None) -> SearchResult:
    phrase = phrase or query
    terms = list(dict.fromkeys([phrase, *words, *(ABBREVIATIONS[word] for word in words if word in ABBREVIATIONS)]))
    drug_match = _any(
        [Q(name__icontains=term) | Q(brand_names__icontains=term) | Q(generic_name__icontains=term) for term in terms]
        + [Q(indication__icontains=word) for word in words if len(word) >= CONDITION_MIN_LENGTH]
    )
    payer_match = _any([Q(name__icontains=term) | Q(aliases__icontains=term) for term in terms])
    denial_match = _any([Q(name__icontains=term) for term in [phrase, *(w for w in words if len(w) >= CONDITION_MIN_LENGTH)]])
    drugs = _with_pages(
        Drug.objects.exclude(slug=UNLISTED).filter(drug_match).select_related("drug_class").order_by("name")[: SEARCH_LIMIT * 5]
    )
    payers = list(
        Payer.objects.exclude(slug=UNLISTED).filter(payer_match, has_published_guide("payer")).order_by("name")[:SEARCH_LIMIT]
    )
    denials = list(DenialType.objects.filter(denial_match, has_published_guide("denial_type")).order_by("order", "name"))
    guides = []
    if drugs and payers:
        # "Saphnelo Cigna": the pages for that drug at that payer (for the denial named too, if one is).
        found = Guide.objects.filter(published=True, drug__in=drugs, payer__in=payers)
        if denials and len(words) > 2:
            found = found.filter(denial_type__in=denials)
        guides = list(
            found.select_related("drug", "payer", "denial_type").order_by("drug__name", "payer__name", "denial_type__order")[
                :SEARCH_LIMIT
            ]
        )
    return SearchResult(query=query, drugs=drugs, payers=payers, denials=denials, guides=guides)


def _with_pages(matched) -> list[Drug]:
    """Each matched drug that has a published guide, or else its class when the class has one
    ("Xeljanz" finds the JAK inhibitor pages when tofacitinib has none of its own)."""
    matched = list(matched)
    candidates = {drug.pk for drug in matched} | {drug.drug_class_id for drug in matched if drug.drug_class_id}
    with_pages = set(Drug.objects.filter(pk__in=candidates).filter(has_published_guide("drug")).values_list("pk", flat=True))
    found: dict[int, Drug] = {}
    for drug in matched:
        if drug.pk in with_pages:
            found.setdefault(drug.pk, drug)
        elif drug.drug_class_id in with_pages:
            found.setdefault(drug.drug_class_id, drug.drug_class)
    return sorted(found.values(), key=lambda drug: drug.name)[:SEARCH_LIMIT]


def catalog_words() -> list[str]:
    """Every word a search can find: drug names, brands and generic names, payer names and aliases, denial type names."""
    texts = []
    for name, brands, generic in Drug.objects.exclude(slug=UNLISTED).values_list("name", "brand_names", "generic_name"):
        texts += [name, brands, generic]
    for name, aliases in Payer.objects.filter(has_published_guide("payer")).values_list("name", "aliases"):
        texts += [name, aliases]
    texts += list(DenialType.objects.values_list("name", flat=True))
    return sorted({word for text in texts for word in words_of(text or "") if len(word) >= 3})


def close_word(word: str, vocabulary: list[str]) -> str:
    """The catalog's word closest to a misspelt one, or "" when none is close."""
    if len(word) < 4 or word in vocabulary:
        return ""
    found = difflib.get_close_matches(word, vocabulary, n=1, cutoff=CLOSE_ENOUGH)
    return found[0] if found else ""
