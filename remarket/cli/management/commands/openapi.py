import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print the /api/v1 OpenAPI document (committed as docs/openapi.json; a test fails when it drifts)."

    def handle(self, *args, **options):
        from remarket.api.v1.api import api

        self.stdout.write(json.dumps(api.get_openapi_schema(path_prefix="/api/v1"), indent=2, sort_keys=True))
