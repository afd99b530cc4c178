"""The demo marketplace behind `remarket demo`: markets, catalog, merchants, listings and a year of orders."""
