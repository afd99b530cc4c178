"""Full-text search per database: SQLite's FTS5 (embedded default), PostgreSQL's tsvector + pg_trgm (at scale).

Each operation runs only on its own database vendor. On SQLite, the FTS5 table indexes `search_document`
as external content and three triggers keep it in step with every insert, update and delete of a document:
a later migration that makes Django rebuild `search_document` on SQLite (most ALTERs do) drops these
triggers with the old table and must create them again. On PostgreSQL a generated `tsvector` column
(title weighted A, body B) carries a GIN index, and the vocabulary a trigram GiST index for typo correction
(nearest word by `<->`). Documents are folded and tokenised in Python first (remarket/search/text.py), so the
`simple` configuration is right for every language and no `unaccent` is needed."""

from django.db import migrations


class VendorSQL(migrations.RunSQL):
    """RunSQL that runs only when the database is `vendor`, and does nothing elsewhere."""

    def __init__(self, vendor: str, sql, reverse_sql=None, **kwargs):
        self.vendor = vendor
        super().__init__(sql, reverse_sql, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Raw SQL for {self.vendor}"


COLUMNS = "rowid, title, body"
SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_document', content_rowid='model_id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN "
    f"INSERT INTO search_fts({COLUMNS}) VALUES (new.model_id, new.title, new.body); END",
    "CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN "
    f"INSERT INTO search_fts(search_fts, {COLUMNS}) VALUES ('delete', old.model_id, old.title, old.body); END",
    "CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN "
    f"INSERT INTO search_fts(search_fts, {COLUMNS}) VALUES ('delete', old.model_id, old.title, old.body); "
    f"INSERT INTO search_fts({COLUMNS}) VALUES (new.model_id, new.title, new.body); END",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE search_document ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
    "(setweight(to_tsvector('simple'::regconfig, title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body), 'B')) STORED",
    "CREATE INDEX search_document_tsv ON search_document USING gin (tsv)",
    "CREATE INDEX search_word_trgm ON search_word USING gist (word gist_trgm_ops)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS search_word_trgm",
    "DROP INDEX IF EXISTS search_document_tsv",
    "ALTER TABLE search_document DROP COLUMN IF EXISTS tsv",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        VendorSQL("sqlite", SQLITE, SQLITE_REVERSE),
        VendorSQL("postgresql", POSTGRES, POSTGRES_REVERSE),
    ]
