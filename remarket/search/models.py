"""The search index: a read-side projection of the catalog and the offers, rebuilt from them at any time.

- `SearchDocument`: one per product model, the folded text that full-text search matches (SQLite: an FTS5
  table kept in step by triggers; PostgreSQL: a generated `tsvector` column with a GIN index; see migrations).
- `SearchEntry`: one per market × variant × grade that has at least one sellable offer (published, in
  stock, merchant allowed to sell): its lowest price and offer count, with the catalog attributes the facets
  group by copied in. Facets and hits read this table, never the listings.
- `SearchModel` and `SearchModelValue`: the same per market × product model, with the grades, storages,
  colours and price buckets each is offered in: searches with no grade, storage, colour or price filter (most
  of them, and the broadest) count and list from these, one row per model instead of one per offer row. On
  PostgreSQL `search_model` also carries the same values as a `facet_values text[]` column (migration 0004,
  kept by services.py), which searches count with `unnest` instead of probing `search_model_value`.
- `SearchWord`: the vocabulary of the documents, for typo correction (pg_trgm on PostgreSQL).

Nothing here is a source of truth: `search_index_refresh` recomputes rows from the catalog and the offers. So
the foreign keys are not database constraints (`db_constraint=False`): checking every projected row against
the catalog at commit would double the cost of a refresh for no invariant of the marketplace."""

from django.db import models


def _ref(to: str, **options) -> models.ForeignKey:
    return models.ForeignKey(to, on_delete=models.CASCADE, related_name="+", db_constraint=False, **options)


class SearchDocument(models.Model):
    model = models.OneToOneField(
        "catalog.ProductModel", primary_key=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    title = models.TextField()  # brand and name, folded: ranks above `body`
    body = models.TextField(blank=True)  # category, configurations, specs, folded

    class Meta:
        db_table = "search_document"


class SearchEntry(models.Model):
    # db_index=False where a composite index leads with the column already
    market = _ref("markets.Market", db_index=False)
    variant = _ref("catalog.Variant")
    grade = models.CharField(max_length=10)
    model = _ref("catalog.ProductModel")
    category = _ref("catalog.Category", db_index=False)
    brand = models.CharField(max_length=60)
    storage_gb = models.PositiveIntegerField(null=True)
    colour = models.CharField(max_length=40)
    release_year = models.PositiveSmallIntegerField(null=True)
    price_minor = models.BigIntegerField()  # the lowest price of the sellable offers
    offers = models.PositiveIntegerField()  # stock is not copied: a sale that leaves units changes nothing here

    class Meta:
        db_table = "search_entry"
        constraints = [
            models.UniqueConstraint(fields=["market", "variant", "grade"], name="search_entry_once"),
        ]
        # The covering index searches read entries through (market, model, grade, then every column a facet or
        # a hit needs) is created by migration 0003 per database (PostgreSQL: INCLUDE; SQLite: all key columns).


class SearchModel(models.Model):
    market = _ref("markets.Market", db_index=False)
    model = _ref("catalog.ProductModel")
    category = _ref("catalog.Category", db_index=False)
    brand = models.CharField(max_length=60)
    release_year = models.PositiveSmallIntegerField(null=True)
    price_minor = models.BigIntegerField()
    offers = models.PositiveIntegerField()
    grades = models.CharField(max_length=60)  # comma-separated, any order
    storages = models.CharField(max_length=200, blank=True)  # comma-separated GB, any order

    class Meta:
        db_table = "search_model"
        constraints = [models.UniqueConstraint(fields=["market", "model"], name="search_model_once")]


class SearchModelValue(models.Model):
    """One grade, storage, colour or price bucket (its index in query.price_edges) a model is offered in."""

    market = _ref("markets.Market", db_index=False)
    model = _ref("catalog.ProductModel")
    facet = models.CharField(max_length=8)
    value = models.CharField(max_length=40)

    class Meta:
        db_table = "search_model_value"
        constraints = [
            models.UniqueConstraint(fields=["market", "model", "facet", "value"], name="search_model_value_once")
        ]


class SearchWord(models.Model):
    word = models.CharField(max_length=60, primary_key=True)

    class Meta:
        db_table = "search_word"


class SearchStamp(models.Model):
    """One row per index change, written in the change's transaction: the newest row is the index's version.
    Cached search results are keyed by it, so a refresh invalidates them the moment it commits (and not
    before), on every server process. Rows are only ever inserted (writers never wait on each other); old
    ones are pruned."""

    token = models.CharField(max_length=32)  # random: ids can repeat after a rollback, tokens do not

    class Meta:
        db_table = "search_stamp"
