"""Product search as shoppers here type: Roman Urdu in their own spelling, typos, and
several words at once (docs/api.md, "Products", `search`).

A query is read into parts, each of which a product must match (AND):

1. The words are split as the stored search text is (`catalog.words`); filler words
   ("dress", "for", "ka") are dropped unless nothing else is left.
2. The longest run of words that is a term of a staff-edited synonym group
   (`SearchSynonym`) becomes one part, matching any term of its group: `maroon
   lehnga` is "maroon or burgundy" and "lehenga, lehnga, lehanga, ...".
3. Another word matches itself, or a word it begins. A word that is neither a word of
   the catalog nor the beginning of one (`SearchWord`) is taken as a typo: the catalog
   words one or two edits away (an OSA distance, two from eight letters) match too,
   with their synonyms. The candidates come from a trigram index on PostgreSQL.

A part matches a product whose search text (name, category, colors and description)
has one of its terms: each word of the term at the start of one of its words
(`beautique.postgres.HasWords`; a full-text index on PostgreSQL). Results are ranked
by the number of parts matched in the name, then newest first. (A word that is
corrected is one no product has, so corrections never compete with the words typed.)
"""

from dataclasses import dataclass, field

from django.db.models import Case, Q, QuerySet, Value, When
from rapidfuzz.distance import OSA

from catalog.models import Product, SearchSynonym, SearchWord
from catalog.selectors import DEFAULT_PRODUCT_ORDERING
from catalog.words import terms_of, words_of

MAX_WORDS = 8
"""Words of a query that are searched for; the rest are ignored."""
LONGEST_TERM = 4
"""The most words a synonym term is looked for in."""
TYPO_MIN_LENGTH = 4
"""Shorter words are taken as typed: one edit turns a three-letter word into too many others."""
FILLER_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "the",
        "for",
        "with",
        "in",
        "of",
        "dress",
        "dresses",
        "outfit",
        "outfits",
        "women",
        "womens",
        "ladies",
        "ka",
        "ki",
        "ke",
        "wala",
        "wali",
    }
)


@dataclass
class Part:
    """A word or a synonym term of the query, with what a product may hold instead."""

    text: str
    terms: set[str]
    corrections: set[str] = field(default_factory=set)


def search_products(queryset: QuerySet[Product], query: str) -> QuerySet[Product]:
    """The products of `queryset` that match every part of `query`, best first."""
    synonyms = synonym_groups()
    parts = read_query(query, synonyms)
    if not parts:
        return queryset.none()
    correct_typos(parts, synonyms)
    rank = Value(0)
    for part in parts:
        terms = essential(part.terms | part.corrections)
        queryset = queryset.filter(search_document__has_words=terms)
        rank += Case(When(in_name(terms), then=Value(1)), default=Value(0))
    return queryset.annotate(search_rank=rank).order_by("-search_rank", *DEFAULT_PRODUCT_ORDERING)


def synonym_groups() -> dict[str, set[str]]:
    """Every synonym term, with the terms it means (itself included)."""
    groups: dict[str, set[str]] = {}
    for line in SearchSynonym.objects.values_list("terms", flat=True):
        terms = set(terms_of(line))
        for term in terms:
            groups.setdefault(term, set()).update(terms)
    return groups


def read_query(query: str, synonyms: dict[str, set[str]]) -> list[Part]:
    words = words_of(query)
    words = ([word for word in words if word not in FILLER_WORDS] or words)[:MAX_WORDS]
    parts: list[Part] = []
    start = 0
    while start < len(words):
        for length in range(min(LONGEST_TERM, len(words) - start), 0, -1):
            text = " ".join(words[start : start + length])
            if length == 1 or text in synonyms:
                parts.append(Part(text, synonyms.get(text, {text})))
                start += length
                break
    return parts


def correct_typos(parts: list[Part], synonyms: dict[str, set[str]]) -> None:
    """Give each part that looks misspelt the catalog words closest to it (one query)."""
    unknown = {
        part.text
        for part in parts
        if part.text not in synonyms and len(part.text) >= TYPO_MIN_LENGTH and part.text.isalpha()
    }
    if not unknown:
        return
    near = Q()
    for word in sorted(unknown):
        near |= Q(word__startswith=word) | Q(word__resembles=word)
    candidates = list(SearchWord.objects.filter(near).values_list("word", flat=True))
    for part in parts:
        if part.text not in unknown or any(word.startswith(part.text) for word in candidates):
            continue
        allowed = typos_allowed(part.text)
        distances = {
            word: OSA.distance(part.text, word, score_cutoff=allowed) for word in candidates
        }
        closest = min(distances.values(), default=allowed + 1)
        for word, distance in distances.items():
            if distance == closest <= allowed:
                part.corrections |= synonyms.get(word, {word})


def typos_allowed(word: str) -> int:
    return 2 if len(word) >= 8 else 1


def essential(terms: set[str]) -> list[str]:
    """`terms` less those another one already finds (each word of a term matches the start
    of a word, so `eid` finds whatever `eid ul fitr` does): a shorter query to answer."""
    words = {term: term.split() for term in terms}

    def covered(term: str, by: str) -> bool:
        return by != term and all(
            any(word.startswith(short) for word in words[term]) for short in words[by]
        )

    return sorted(term for term in terms if not any(covered(term, other) for other in terms))


def in_name(terms: list[str]) -> Q:
    """The product's name has one of `terms` (a short text: `LIKE` is cheap on it)."""
    condition = Q()
    for term in terms:
        words = Q()
        for word in term.split():
            words &= Q(search_name__contains=f" {word}")
        condition |= words
    return condition
