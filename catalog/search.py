"""Product search as shoppers here type: Roman Urdu in their own spelling, typos, and
several words at once (docs/api.md, "Products", `search`).

A query is read into parts, each of which a product must match (AND):

1. The words are split as the stored search text is (`catalog.words`); filler words
   ("dress", "for", "ka") are dropped unless nothing else is left.
2. The longest run of words that is a term of a staff-edited synonym group
   (`SearchSynonym`) becomes one part, matching any term of its group: `maroon
   lehnga` is "maroon or burgundy" and "lehenga, lehnga, lehanga, ...".
3. Another word matches itself, or a word it begins.
4. The words are looked up in the catalog's vocabulary (`SearchWord`, one query):
   a term with a word that begins no catalog word is dropped (most spellings of a
   synonym group are nobody's in this catalog), and a typed word that neither is nor
   begins a catalog word is taken as a typo: the catalog words one edit away (two
   from eight letters; an OSA distance) match instead, with their synonyms. The
   candidates come from a trigram index (`%`) on PostgreSQL. A part left with
   nothing to match means no product matches, without asking the database.

A part matches a product whose search text (name, category, colors and description)
has one of its terms: each word of the term at the start of one of its words
(`beautique.postgres.HasWords`; a full-text index on PostgreSQL). Results are ranked
by the number of parts matched in the name, then newest first. (A word is corrected
only when no product has it, so corrections never compete with the words typed.)
"""

from dataclasses import dataclass, field
from functools import lru_cache

from django.db import transaction
from django.db.models import Case, Q, QuerySet, Value, When
from rapidfuzz.distance import OSA

from beautique.httpcache import bump_version
from catalog.models import Category, Product, SearchSynonym, SearchWord, remember_words
from catalog.selectors import DEFAULT_PRODUCT_ORDERING
from catalog.services import CATALOG
from catalog.words import in_vocabulary, terms_of, vocabulary_of, words_of

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
    if not parts or not look_up_words(parts, synonyms):
        return queryset.none()
    rank = Value(0)
    for part in parts:
        terms = essential(part.terms | part.corrections)
        queryset = queryset.filter(search_document__has_words=terms)
        rank += Case(When(in_name(terms), then=Value(1)), default=Value(0))
    return queryset.annotate(search_rank=rank).order_by("-search_rank", *DEFAULT_PRODUCT_ORDERING)


def synonym_groups() -> dict[str, set[str]]:
    """Every synonym term, with the terms it means (itself included)."""
    return parsed_groups(tuple(SearchSynonym.objects.values_list("terms", flat=True)))


@lru_cache(maxsize=4)
def parsed_groups(lines: tuple[str, ...]) -> dict[str, set[str]]:
    """The groups of these synonym rows, worked out once per version of the table
    (callers must not change what this answers)."""
    groups: dict[str, set[str]] = {}
    for line in lines:
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
                parts.append(Part(text, set(synonyms.get(text, {text}))))
                start += length
                break
    return parts


def look_up_words(parts: list[Part], synonyms: dict[str, set[str]]) -> bool:
    """Check the parts' words against the catalog's vocabulary (one query), and answer
    whether every part can still match.

    A term with a word that begins no vocabulary word matches no product, so it is
    dropped (most spellings of a synonym group are not the catalog's: asking the
    database for them would only cost time). A word typed that is neither a vocabulary
    word nor the beginning of one is a typo: it gets the vocabulary words closest to
    it, with their synonyms, as corrections. Words the vocabulary leaves out (shorter
    than three letters, or with digits) are taken as they are.
    """
    checked = {
        word
        for part in parts
        for term in part.terms
        for word in term.split()
        if in_vocabulary(word)
    }
    typos = {
        part.text
        for part in parts
        if part.text not in synonyms and len(part.text) >= TYPO_MIN_LENGTH and part.text.isalpha()
    }
    if not checked:
        return True
    near = Q()
    for word in sorted(checked):
        near |= Q(word__startswith=word)
    for word in sorted(typos):
        near |= Q(word__resembles=word)
    found = list(SearchWord.objects.filter(near).values_list("word", "in_catalog"))
    vocabulary = [word for word, _ in found]
    catalog_words = [word for word, in_catalog in found if in_catalog]

    def known(term: str) -> bool:
        return all(
            not in_vocabulary(word) or any(known.startswith(word) for known in catalog_words)
            for word in term.split()
        )

    for part in parts:
        part.terms = {term for term in part.terms if known(term)}
        if part.text in typos and not part.terms:
            allowed = typos_allowed(part.text)
            distances = {
                word: OSA.distance(part.text, word, score_cutoff=allowed) for word in vocabulary
            }
            closest = min(distances.values(), default=allowed + 1)
            for word, distance in distances.items():
                if distance == closest <= allowed:
                    part.corrections |= synonyms.get(word, {word})
        if not part.terms and not part.corrections:
            return False
    return True


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


def refresh_search_text(*, batch_size: int = 2000) -> int:
    """Write every product's search text again and put every word of the catalog in the
    vocabulary; answer how many products were written. For products written around
    `Product.save()` (bulk inserts, imports, SQL): `manage.py refresh_search`."""
    names = dict(Category.objects.values_list("pk", "name"))
    vocabulary: set[str] = set()
    for name in names.values():
        vocabulary |= vocabulary_of(name)
    written, batch = 0, []
    products = Product.objects.only("name", "category_id", "colors", "description").order_by("pk")
    for product in products.iterator(chunk_size=batch_size):
        product.refresh_search_text(category_name=names[product.category_id])
        vocabulary |= vocabulary_of(product.search_document)
        batch.append(product)
        if len(batch) == batch_size:
            written += Product.objects.bulk_update(batch, ["search_name", "search_document"])
            batch = []
    written += Product.objects.bulk_update(batch, ["search_name", "search_document"])
    with transaction.atomic():
        # Words no product or category uses any more stop counting as the catalog's.
        SearchWord.objects.filter(in_catalog=True).update(in_catalog=False)
        remember_words(vocabulary, in_catalog=True)
        for terms in SearchSynonym.objects.values_list("terms", flat=True):
            SearchWord.remember(terms, in_catalog=False)
    bump_version(CATALOG)  # bulk writes send no signals: retire the kept answers here
    return written
