"""Full-text matching and typo correction, the two places where the database vendors differ.

`match_sql(tokens)` is a SELECT of (model_id, rank) over the documents whose title or body holds every token
as a word prefix, for use as a CTE: FTS5 with bm25 on SQLite, a GIN-indexed tsvector with ts_rank on PostgreSQL.
`tokens_corrected(tokens)` replaces the words the vocabulary does not know by their nearest known word: the
candidates are pg_trgm's nearest neighbours (`<->` on a GiST index) on PostgreSQL and the whole vocabulary on
SQLite (embedded catalogs are small), ranked by difflib on both."""

import difflib

from django.db import connection

from .models import SearchWord

NEIGHBOURS = 10  # trigram nearest words considered per unknown token on PostgreSQL
MIN_RATIO = 0.75  # difflib's similarity ratio a correction needs


def _prefix(token: str) -> bool:
    """Words match as prefixes ("gal" finds Galaxy); numbers match whole ("12" must not find 128 GB)."""
    return not token.isdigit()


def match_sql(tokens: list[str]) -> tuple[str, list]:
    # Tokens come from text.query_tokens: letters and digits only, so they need no quoting in either syntax.
    if connection.vendor == "postgresql":
        return (
            "SELECT d.model_id, ts_rank(d.tsv, q.query, 1) AS rank "
            "FROM search_document d, to_tsquery('simple', %s) AS q(query) WHERE d.tsv @@ q.query",
            [" & ".join(f"{t}:*" if _prefix(t) else t for t in tokens)],
        )
    return (
        "SELECT rowid AS model_id, -bm25(search_fts, 10.0, 1.0) AS rank FROM search_fts WHERE search_fts MATCH %s",
        [" AND ".join(f'"{t}"*' if _prefix(t) else f'"{t}"' for t in tokens)],
    )


def tokens_corrected(tokens: list[str]) -> list[str]:
    """The tokens with each unknown one (no vocabulary word starts with it, or equals it for a number)
    replaced by the most similar known word, when one is similar enough; known tokens are kept as they are.
    Candidates come from the vocabulary (its trigram index on PostgreSQL); the choice is difflib's ratio on
    both, which forgives swapped letters ("piexl") better than trigrams do."""
    if not tokens:
        return tokens
    if connection.vendor == "postgresql":
        candidates = _candidates_postgres(tokens)
    else:
        vocabulary = list(SearchWord.objects.values_list("word", flat=True))
        candidates = {
            tok: (any(w.startswith(tok) if _prefix(tok) else w == tok for w in vocabulary), vocabulary)
            for tok in tokens
        }
    out = []
    for tok in tokens:
        known, words = candidates[tok]
        near = [] if known else difflib.get_close_matches(tok, words, n=1, cutoff=MIN_RATIO)
        out.append(near[0] if near else tok)
    return out


def _candidates_postgres(tokens: list[str]) -> dict[str, tuple[bool, list[str]]]:
    """Per token: whether the vocabulary knows it, and its nearest words by trigram distance (GiST, KNN)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tok, EXISTS (SELECT 1 FROM search_word k WHERE k.word LIKE t.tok "
            "|| CASE WHEN t.tok ~ '^[0-9]+$' THEN '' ELSE '%%' END), "
            "ARRAY(SELECT w.word FROM search_word w ORDER BY w.word <-> t.tok LIMIT %s) "
            "FROM unnest(%s::text[]) AS t(tok)",
            [NEIGHBOURS, tokens],
        )
        return {tok: (known, list(words)) for tok, known, words in cursor.fetchall()}
