"""Server-rendered pages by audience: storefront, merchant back office, point of sale, operator dashboard."""
