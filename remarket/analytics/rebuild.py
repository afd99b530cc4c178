"""The rollups recomputed from the facts, in the database: one grouped INSERT ... SELECT per table over the sales
and their negative refund facts (counted in their sale's month and slice). After a bulk load of facts, and to check
the incremental path, which must give the same rows (tests/analytics/test_rollups.py)."""

from django.db import connection, transaction

_FACTS = """
    SELECT 1 AS sale, f.month, f.market_code, f.channel_kind, COALESCE(f.category_id, 0) AS category_id,
           f.merchant_id, COALESCE(f.partner_id, 0) AS partner_id, COALESCE(f.location_id, 0) AS location_id,
           f.order_id, f.new_customer, f.quantity, f.gmv_eur_minor, f.commission_eur_minor, f.co2e_avoided_g,
           f.co2e_low_g, f.co2e_high_g, f.ewaste_avoided_g
      FROM analytics_salefact f
    UNION ALL
    SELECT 0, s.month, s.market_code, s.channel_kind, COALESCE(s.category_id, 0), s.merchant_id,
           COALESCE(s.partner_id, 0), COALESCE(s.location_id, 0), s.order_id, s.new_customer, r.quantity,
           r.gmv_eur_minor, r.commission_eur_minor, r.co2e_avoided_g, r.co2e_low_g, r.co2e_high_g, r.ewaste_avoided_g
      FROM analytics_refundfact r JOIN analytics_salefact s ON s.id = r.sale_id
"""
# first per order and cell (a sale's order counts once in a cell, as the incremental path counts it), then per cell:
# two hash aggregations instead of COUNT(DISTINCT ...), which sorts every group; rows inserted in the unique
# index's order, so that it grows at its end
_PER_ORDER = """
    SELECT {cell}, order_id, MAX(sale) AS sold, MAX(CASE WHEN sale = 1 AND new_customer THEN 1 ELSE 0 END) AS new,
           SUM(quantity) AS units, SUM(CASE WHEN sale = 1 THEN quantity ELSE 0 END) AS gross_units,
           SUM(gmv_eur_minor) AS net, SUM(CASE WHEN sale = 1 THEN gmv_eur_minor ELSE 0 END) AS gross,
           SUM(CASE WHEN sale = 0 THEN -gmv_eur_minor ELSE 0 END) AS refunds, SUM(commission_eur_minor) AS commission,
           SUM(co2e_avoided_g) AS co2e, SUM(co2e_low_g) AS co2e_low, SUM(co2e_high_g) AS co2e_high,
           SUM(ewaste_avoided_g) AS ewaste
      FROM ({facts}) t
     GROUP BY {cell}, order_id
"""
_COMMON = """
    SUM(sold), SUM(new), SUM(units), SUM(gross_units), SUM(net), SUM(gross), SUM(refunds), SUM(commission)
"""
_MEASURES = "orders, {new}, units, gross_units, gmv_eur_minor, gross_eur_minor, refunds_eur_minor, commission_eur_minor"
_ROLLUP_CELL = "month, market_code, channel_kind"
_SLICE_CELL = "month, market_code, channel_kind, category_id, merchant_id, partner_id, location_id"
_ROLLUP = f"""
INSERT INTO analytics_gmvrollup ({_ROLLUP_CELL}, {_MEASURES.format(new="new_customers")},
                                 co2e_avoided_g, co2e_low_g, co2e_high_g, ewaste_avoided_g)
SELECT {_ROLLUP_CELL}, {_COMMON}, SUM(co2e), SUM(co2e_low), SUM(co2e_high), SUM(ewaste)
  FROM ({_PER_ORDER.format(cell=_ROLLUP_CELL, facts=_FACTS)}) o
 GROUP BY {_ROLLUP_CELL}
 ORDER BY {_ROLLUP_CELL}
"""
_SLICE = f"""
INSERT INTO analytics_gmvslice ({_SLICE_CELL}, {_MEASURES.format(new="new_customer_orders")})
SELECT {_SLICE_CELL}, {_COMMON}
  FROM ({_PER_ORDER.format(cell=_SLICE_CELL, facts=_FACTS)}) o
 GROUP BY {_SLICE_CELL}
 ORDER BY {_SLICE_CELL}
"""


_YEAR_CELL = "year, market_code, channel_kind, category_id, merchant_id, partner_id, location_id"
_YEAR_OF = {"postgresql": "CAST(date_trunc('year', month) AS date)", "sqlite": "date(month, 'start of year')"}
_YEAR_SLICE = f"""
INSERT INTO analytics_gmvyearslice ({_YEAR_CELL}, {_MEASURES.format(new="new_customer_orders")})
SELECT {{year}}, market_code, channel_kind, category_id, merchant_id, partner_id, location_id,
       SUM(orders), SUM(new_customer_orders), SUM(units), SUM(gross_units), SUM(gmv_eur_minor), SUM(gross_eur_minor),
       SUM(refunds_eur_minor), SUM(commission_eur_minor)
  FROM analytics_gmvslice
 GROUP BY {{year}}, market_code, channel_kind, category_id, merchant_id, partner_id, location_id
"""


@transaction.atomic
def rollups_rebuild(*, year_slices: bool = True) -> int:
    """Recompute every rollup and slice from the facts; returns the number of rollup rows. `year_slices=False` is
    for the migration that ran before their table existed."""
    with connection.cursor() as cursor:
        if year_slices:
            cursor.execute("DELETE FROM analytics_gmvyearslice")
        cursor.execute("DELETE FROM analytics_gmvslice")
        cursor.execute("DELETE FROM analytics_gmvrollup")
        cursor.execute(_ROLLUP)
        rows = cursor.rowcount
        cursor.execute(_SLICE)
        if year_slices:  # a year's slices: its months' sums
            cursor.execute(_YEAR_SLICE.format(year=_YEAR_OF[connection.vendor]))
    return rows
