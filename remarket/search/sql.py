"""The statements of a search (the facets with the total, a page of hits, or both in one), built for SQLite and
PostgreSQL alike.

Each filter is one condition; a facet counts over the rows that pass every condition but its own (disjunctive
facets), and facets whose own filter is off share the set of the hits. A set is read from one of two sources:

- per model (`search_model`, with `search_model_value` for the grades, storages, colours and price buckets
  each model is offered in — on PostgreSQL, the same values as an array on the model row) when no grade,
  storage, colour or price condition applies to it: one row per product model. That is every set of most
  searches, and the set a variant facet counts over when its own filter is the only variant filter — so the
  broadest sets are always read per model;
- per offer row (`search_entry`: market × variant × grade) otherwise, since such filters must hold together on
  one variant × grade ("FAIR in 128 GB" is not "FAIR in 256 GB and GOOD in 128 GB"). Counting is two-level there
  (distinct value × model, then per value), so that PostgreSQL hashes instead of sorting.

Values interpolated into the SQL text are integers computed here; everything else is a parameter."""

from django.db import connection

from remarket.markets.models import Market

from .match import match_sql
from .query import Filters

MODEL_FACET_SIZE = 20
VARIANT_FACETS = ("grade", "storage", "colour", "price")
ENTRY_COLUMNS = ", ".join(
    f"e.{c}"
    for c in (
        "model_id",
        "category_id",
        "brand",
        "grade",
        "storage_gb",
        "colour",
        "price_minor",
        "offers",
        "release_year",
    )
)
MODEL_COLUMNS = ", ".join(
    f"e.{c}"
    for c in ("model_id", "category_id", "brand", "price_minor", "offers", "release_year", "grades", "storages")
)
# The hits' order, over a group of entry rows or over one model row; the same text serves ORDER BY and
# ROW_NUMBER() OVER (ORDER BY).
ORDERS = {
    "relevance": ("MAX(rank) DESC, SUM(offers) DESC, model_id", "rank DESC, offers DESC, model_id"),
    "price_asc": ("MIN(price_minor), model_id", "price_minor, model_id"),
    "price_desc": ("MIN(price_minor) DESC, model_id", "price_minor DESC, model_id"),
    "newest": (
        "CASE WHEN MAX(release_year) IS NULL THEN 1 ELSE 0 END, MAX(release_year) DESC, SUM(offers) DESC, model_id",
        "CASE WHEN release_year IS NULL THEN 1 ELSE 0 END, release_year DESC, offers DESC, model_id",
    ),
}


def distinct_list(column: str) -> str:
    """The distinct values of a column in a group, comma-separated, as text."""
    if connection.vendor == "postgresql":
        return f"string_agg(DISTINCT CAST({column} AS TEXT), ',')"
    return f"group_concat(DISTINCT {column})"


def fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class SearchSQL:
    def __init__(
        self,
        market: Market,
        tokens: list[str],
        filters: Filters,
        category_ids: list[int],
        model_ids: list[int],
        edges: list[int],
        *,
        per_model: bool = True,
    ):
        """`per_model=False` reads every set per offer row (the tests compare both sources)."""
        self.market = market
        self.edges = edges
        self.model_ids = model_ids
        self.allow_per_model = per_model
        self.conditions: dict[str, tuple[str, list]] = {}
        for name, column, values in (
            ("category", "category_id", category_ids),
            ("brand", "brand", filters.brands),
            ("model", "model_id", model_ids),
            ("grade", "grade", filters.grades),
            ("storage", "storage_gb", filters.storages),
            ("colour", "colour", filters.colours),
        ):
            if values:
                self.conditions[name] = (f"{column} IN ({', '.join(['%s'] * len(values))})", list(values))
        prices = [(op, v) for op, v in ((">=", filters.min_minor), ("<=", filters.max_minor)) if v is not None]
        if prices:
            self.conditions["price"] = (
                " AND ".join(f"price_minor {op} %s" for op, _ in prices),
                [v for _, v in prices],
            )
        self.text: str | None
        self.text_params: list
        self.text, self.text_params = match_sql(tokens) if tokens else (None, [])

    def _per_model(self, exclude: str | None) -> bool:
        """Whether the set with every condition but `exclude`'s can be read per model."""
        return self.allow_per_model and not any(f in self.conditions and f != exclude for f in VARIANT_FACETS)

    def _with(self, sources: set[str]) -> tuple[str, list]:
        """The WITH clause: the text match, and the market's rows from each source in use (`base` per offer
        row, `mbase` per model), joined to the match."""
        ctes, params = [], []
        if self.text:
            # MATERIALIZED: SQLite cannot evaluate bm25() once the match is flattened into an aggregate.
            ctes.append(f"m AS MATERIALIZED ({self.text})")
            params += self.text_params
        model_columns = MODEL_COLUMNS + (", e.facet_values" if connection.vendor == "postgresql" else "")
        for name, table, columns in (("base", "search_entry", ENTRY_COLUMNS), ("mbase", "search_model", model_columns)):
            if name in sources:
                join, rank = ("JOIN m ON m.model_id = e.model_id", "m.rank") if self.text else ("", "0 AS rank")
                ctes.append(f"{name} AS (SELECT {columns}, {rank} FROM {table} e {join} WHERE e.market_id = %s)")
                params.append(self.market.pk)
        return "WITH " + ", ".join(ctes), params

    def where(self, exclude: str | None = None) -> tuple[str, list]:
        parts = [(sql, params) for name, (sql, params) in self.conditions.items() if name != exclude]
        return " AND ".join(f"({sql})" for sql, _ in parts) or "1 = 1", [p for _, params in parts for p in params]

    def bucket(self) -> str:
        whens = " ".join(f"WHEN price_minor < {int(edge)} THEN {i}" for i, edge in enumerate(self.edges))
        return f"CASE {whens} ELSE {len(self.edges)} END"

    def facets(self) -> tuple[str, list]:
        """Rows of (facet, key, count, label): the total first, then every facet's values. The model facet
        counts offers and comes with its slug as key and its title as label, the top MODEL_FACET_SIZE only."""
        with_sql, params, union, _ = self._facets()
        return f"{with_sql} {union}", params

    def page(self, sort: str, limit: int, offset: int) -> tuple[str, list]:
        """The facets and one page of hits in one statement, so that the matched sets are read once: rows of
        15 columns, (facet, key, count, label) then NULLs for the facets; 'hit', three NULLs, then the position
        and the hit's columns as `hits` returns them for the hits (see `page_split`)."""
        with_sql, params, union, (name, per_model) = self._facets()
        inner = self._hits_inner(name, per_model, sort, limit, offset)
        return (
            f"{with_sql} SELECT facet, k, n, label, {', '.join(['NULL'] * 11)} FROM ({union}) AS f UNION ALL "
            "SELECT 'hit', NULL, NULL, NULL, h.pos, h.model_id, h.price, h.offers, h.grades, h.storages, pm.slug, "
            f"pm.brand, pm.name, pm.category_id, pm.release_year FROM ({inner}) AS h "
            "JOIN catalog_productmodel pm ON pm.id = h.model_id",
            params,
        )

    def _hits_inner(self, name: str, per_model: bool, sort: str, limit: int, offset: int) -> str:
        """The page of hits from a set with every condition applied (`name`)."""
        if per_model:
            order = ORDERS[sort][1]
            return (
                f"SELECT model_id, price_minor AS price, offers, grades, storages, "
                f"ROW_NUMBER() OVER (ORDER BY {order}) AS pos FROM {name} "
                f"ORDER BY {order} LIMIT {int(limit)} OFFSET {int(offset)}"
            )
        order = ORDERS[sort][0]
        return (
            f"SELECT model_id, MIN(price_minor) AS price, SUM(offers) AS offers, "
            f"{distinct_list('grade')} AS grades, {distinct_list('storage_gb')} AS storages, "
            f"ROW_NUMBER() OVER (ORDER BY {order}) AS pos FROM {name} GROUP BY model_id "
            f"ORDER BY {order} LIMIT {int(limit)} OFFSET {int(offset)}"
        )

    def _facets(self) -> tuple[str, list, str, tuple[str, bool]]:
        """The WITH clause, its parameters, the facets' UNION ALL, and the set with every condition."""
        ctes, params, sources = [], [], set()
        sets: dict[str | None, tuple[str, bool]] = {}

        def rows_for(facet: str) -> tuple[str, bool]:
            """The set a facet counts over (`<name>m`: the same per model) and whether it is read per model."""
            key = facet if facet in self.conditions else None
            if key not in sets:
                per_model = self._per_model(key)
                source = "mbase" if per_model else "base"
                sources.add(source)
                where, where_params = self.where(key)
                name = f"s{len(sets)}" if where_params else source  # no condition: the source itself, not a copy
                if where_params:
                    ctes.append(f"{name} AS (SELECT * FROM {source} WHERE {where})")
                    params.extend(where_params)
                ctes.append(
                    f"{name}m AS (SELECT model_id, category_id, brand, offers FROM {name})"
                    if per_model
                    else f"{name}m AS (SELECT model_id, category_id, brand, SUM(offers) AS offers "
                    f"FROM {name} GROUP BY model_id, category_id, brand)"
                )
                sets[key] = (name, per_model)
            return sets[key]

        def per_model(facet: str, column: str) -> str:
            return (
                f"SELECT '{facet}', CAST({column} AS TEXT), COUNT(*), NULL FROM {rows_for(facet)[0]}m GROUP BY {column}"
            )

        chosen = (
            f"CASE WHEN model_id IN ({', '.join(str(int(i)) for i in self.model_ids)}) THEN 0 ELSE 1 END, "
            if self.model_ids
            else ""
        )
        branches = [
            f"SELECT 'total' AS facet, '' AS k, COUNT(*) AS n, NULL AS label FROM {rows_for('total')[0]}m",
            per_model("category", "category_id"),
            per_model("brand", "brand"),
            "SELECT 'model', pm.slug, t.offers, pm.brand || ' ' || pm.name FROM (SELECT model_id, offers "
            f"FROM {rows_for('model')[0]}m ORDER BY {chosen}offers DESC, model_id LIMIT {MODEL_FACET_SIZE}) AS t "
            "JOIN catalog_productmodel pm ON pm.id = t.model_id",
        ]
        from_values: dict[str, list[str]] = {}  # per-model sets → the variant facets counted over each
        columns = {
            "grade": ("grade", ""),
            "storage": ("storage_gb", "WHERE storage_gb IS NOT NULL"),
            "colour": ("colour", "WHERE colour <> ''"),
            "price": (self.bucket(), ""),
        }
        for facet in VARIANT_FACETS:
            name, read_per_model = rows_for(facet)
            if read_per_model:
                from_values.setdefault(name, []).append(facet)
                continue
            column, extra = columns[facet]
            branches.append(
                f"SELECT '{facet}', CAST(v AS TEXT), COUNT(*), NULL FROM (SELECT {column} AS v, model_id "
                f"FROM {name} {extra} GROUP BY {column}, model_id) AS {facet}_pairs GROUP BY v"
            )
        for name, facets in from_values.items():
            wanted = ", ".join(repr(f) for f in facets)
            if connection.vendor == "postgresql":  # the values travel on the model rows read already (migration 0004)
                branches.append(
                    f"SELECT split_part(fv, ':', 1), substr(fv, strpos(fv, ':') + 1), COUNT(*), NULL "
                    f"FROM {name}, unnest({name}.facet_values) AS fv "
                    f"WHERE split_part(fv, ':', 1) IN ({wanted}) GROUP BY fv"
                )
            else:
                branches.append(
                    f"SELECT v.facet, v.value, COUNT(*), NULL FROM search_model_value v "
                    f"WHERE v.market_id = {int(self.market.pk)} AND v.facet IN ({wanted}) "
                    f"AND v.model_id IN (SELECT model_id FROM {name}) GROUP BY v.facet, v.value"
                )
        with_sql, with_params = self._with(sources)
        return (f"{with_sql}, {', '.join(ctes)}", with_params + params, " UNION ALL ".join(branches), rows_for("total"))

    def hits(self, sort: str, limit: int, offset: int) -> tuple[str, list]:
        """One page of hits in order: model id, lowest price, offers, grades and storages (comma-separated),
        then the model's slug, brand, name, category and release year."""
        where, params = self.where()
        if self._per_model(None):
            order = ORDERS[sort][1]
            with_sql, with_params = self._with({"mbase"})
            inner = (
                f"SELECT model_id, price_minor AS price, offers, grades, storages, "
                f"ROW_NUMBER() OVER (ORDER BY {order}) AS pos FROM mbase WHERE {where} "
                f"ORDER BY {order} LIMIT {int(limit)} OFFSET {int(offset)}"
            )
        else:
            order = ORDERS[sort][0]
            with_sql, with_params = self._with({"base"})
            inner = (
                f"SELECT model_id, MIN(price_minor) AS price, SUM(offers) AS offers, "
                f"{distinct_list('grade')} AS grades, {distinct_list('storage_gb')} AS storages, "
                f"ROW_NUMBER() OVER (ORDER BY {order}) AS pos FROM base WHERE {where} GROUP BY model_id "
                f"ORDER BY {order} LIMIT {int(limit)} OFFSET {int(offset)}"
            )
        return (
            f"{with_sql} SELECT h.model_id, h.price, h.offers, h.grades, h.storages, pm.slug, pm.brand, "
            f"pm.name, pm.category_id, pm.release_year FROM ({inner}) AS h "
            "JOIN catalog_productmodel pm ON pm.id = h.model_id ORDER BY h.pos",
            [*with_params, *params],
        )


def page_split(rows: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """`SearchSQL.page`'s rows as the facet rows (as `facets` returns them) and the hit rows in order (as
    `hits` returns them)."""
    facets = [row[:4] for row in rows if row[0] != "hit"]
    hits = [row[5:] for row in sorted((row for row in rows if row[0] == "hit"), key=lambda row: row[4])]
    return facets, hits
