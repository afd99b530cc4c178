import time

from django.core.management.base import BaseCommand

from remarket.search.services import search_index_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the search index (documents, per-market entries, vocabulary) from the catalog and the "
        "offers, in one transaction: after a bulk load that bypassed listings_apply, or to repair."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        result = search_index_rebuild()
        self.stdout.write(
            f"Search index rebuilt: {result.documents} documents, {result.entries} entries "
            f"in {time.monotonic() - started:.1f} s."
        )
