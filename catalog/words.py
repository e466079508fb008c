"""Text as the catalog search compares it (`catalog.search`).

Pure functions, used by the models that store search text, by the search itself and
by the migrations that fill the stored text, so every side splits words the same way.
"""

import re

NOT_WORD = re.compile(r"[\W_]+")
VOCABULARY_MIN_LENGTH = 3


def search_text(*parts: str) -> str:
    """`parts` as one searchable text: lower case, each run of anything but letters and
    digits a single space, and a space at each end, so `LIKE '% word%'` finds a word
    or a word's beginning: `"A-Line Maroon"` -> `" a line maroon "`."""
    words = NOT_WORD.split(" ".join(parts).casefold())
    return " " + " ".join(word for word in words if word) + " "


def words_of(text: str) -> list[str]:
    """The words of `text`, as `search_text` splits them."""
    return search_text(text).split()


def in_vocabulary(word: str) -> bool:
    """Whether `word` is of the kind the vocabulary keeps: alphabetic, and at least
    `VOCABULARY_MIN_LENGTH` letters long."""
    return len(word) >= VOCABULARY_MIN_LENGTH and word.isalpha()


def vocabulary_of(text: str) -> set[str]:
    """The words of `text` a misspelt query word may be corrected to (`in_vocabulary`)."""
    return {word for word in words_of(text) if in_vocabulary(word)}


def terms_of(text: str) -> list[str]:
    """The comma-separated terms of `text` as search compares them, each once, in order:
    `"Lehenga, lehnga ,LEHENGA"` -> `["lehenga", "lehnga"]`."""
    terms: list[str] = []
    for part in text.split(","):
        term = search_text(part).strip()
        if term and term not in terms:
            terms.append(term)
    return terms
