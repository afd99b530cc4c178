import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from remarket.catalog.services import catalog_import

CHUNK = 1000


class Command(BaseCommand):
    help = (
        "Import product models and variants from CSV (columns category, brand, model, storage_gb, colour, "
        "release_year, ean, slug; optional new_price_EUR, new_price_USD..., image: a photo's path relative to the file, "
        "image_alt) or JSON (a list of such objects). Bad rows are listed with their line."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        file = Path(path)
        if not file.exists():
            raise CommandError(f"No file at {path}.")
        text = file.read_text(encoding="utf-8-sig")
        if file.suffix.lower() == ".json":
            try:
                rows = json.loads(text)
            except json.JSONDecodeError as err:
                raise CommandError(f"{path} is not valid JSON: {err}") from None
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise CommandError("The JSON file holds a list of objects, one per variant.")
        else:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
            rows = list(csv.DictReader(text.splitlines(), dialect=dialect))
        for row in rows:  # a photo named by the row: its bytes, read from beside the import file
            name = str(row.get("image") or "").strip()
            if name:
                photo = (file.parent / name).resolve()
                row["image"] = photo.read_bytes() if photo.is_file() else f"no file {name}"
        totals = {"models": 0, "variants": 0, "unchanged": 0, "images": 0}
        errors = []
        with tqdm(total=len(rows), unit="row", desc="catalog", disable=None) as bar:
            for start in range(0, len(rows), CHUNK):
                result = catalog_import(rows=rows[start : start + CHUNK], first_line=start + 2)
                totals["models"] += result.models_created
                totals["variants"] += result.variants_created
                totals["unchanged"] += result.unchanged
                totals["images"] += result.images_added
                errors += result.errors
                bar.update(len(rows[start : start + CHUNK]))
        for line, code, message in errors:
            self.stderr.write(f"line {line}: {code} {message}")
        self.stdout.write(
            f"{totals['models']} models and {totals['variants']} variants created, "
            f"{totals['unchanged']} unchanged, {totals['images']} images added, {len(errors)} rows refused"
        )
        if errors:
            raise CommandError(f"{len(errors)} rows refused (listed above); the others were imported.")
