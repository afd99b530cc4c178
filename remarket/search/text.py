"""Text as the index and the queries see it: folded (lower case, accents and compatibility forms removed) and
cut into letter-and-digit tokens. Both backends receive text already folded and tokenised here, so SQLite's
FTS5 and PostgreSQL's `simple` configuration index exactly the same words, whatever the language."""

import re
import unicodedata
from collections.abc import Sequence

TOKEN = re.compile(r"[^\W_]+")
MAX_TOKENS = 10
MAX_TOKEN_LENGTH = 40
# Words that say nothing about which device is wanted, in the storefront's languages.
STOPWORDS = frozenset(
    {
        "refurbished",
        "refurb",
        "renewed",
        "used",
        "secondhand",
        "reconditionne",
        "reconditionnes",
        "reconditionnee",
        "reconditionnees",
        "occasion",
        "pas",
        "cher",
        "the",
        "and",
        "with",
        "for",
        "le",
        "la",
        "les",
        "de",
        "des",
        "du",
        "en",
        "et",
        "avec",
        "pour",
    }
)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("+", " plus "))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def tokens(text: str) -> list[str]:
    return TOKEN.findall(fold(text))


def query_tokens(q: str) -> list[str]:
    """The words of a buyer's query worth matching: no stopwords, no repeats, at most MAX_TOKENS."""
    out: list[str] = []
    for token in tokens(q):
        token = token[:MAX_TOKEN_LENGTH]
        if token not in STOPWORDS and token not in out:
            out.append(token)
    return out[:MAX_TOKENS]


def storage_words(gb: int | None) -> list[str]:
    if not gb:
        return []
    if gb >= 1024 and gb % 1024 == 0:
        n = gb // 1024
        return [f"{n}tb", f"{n}to", str(n), "tb", f"{gb}gb", str(gb)]
    return [f"{gb}gb", f"{gb}go", str(gb), "gb"]


def document_text(
    *,
    brand: str,
    name: str,
    slug: str,
    categories: list[str],
    release_year: int | None,
    storages: Sequence[int | None],
    colours: list[str],
    specs: dict,
) -> tuple[str, str]:
    """(title, body) of a product model's document, as space-separated folded tokens. The title also holds
    its adjacent words glued together ("iphone13"), which buyers type."""
    title = tokens(f"{brand} {name}")
    glued = [a + b for a, b in zip(title, title[1:])]
    body: list[str] = []
    for part in [*categories, slug.replace("-", " "), *colours]:
        body += tokens(part)
    for gb in storages:
        body += storage_words(gb)
    if release_year:
        body.append(str(release_year))
    for value in specs.values() if isinstance(specs, dict) else ():
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            body += tokens(str(value))
    return " ".join(_unique(title + glued)), " ".join(_unique(body))


def _unique(words: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for word in words:
        if len(word) <= MAX_TOKEN_LENGTH:
            seen.setdefault(word, None)
    return list(seen)
