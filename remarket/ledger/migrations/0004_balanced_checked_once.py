"""The balance check of 0003 ran one aggregate per inserted entry (a sale writes about seven); it now runs once
per ledger transaction and database transaction, with the same guarantee: an unbalanced ledger transaction
cannot commit.

The constraint trigger still fires for every entry at commit (PostgreSQL has no deferred statement-level
trigger), but a firing for the ledger transaction that was checked just before it, with nothing inserted since,
returns at once. Any INSERT into the entries forgets that mark first (a BEFORE statement trigger), so entries
added after a check (after `SET CONSTRAINTS ... IMMEDIATE`, say) are checked again. The mark is a
transaction-local setting: it ends, or rolls back, with the transaction. Append-only triggers are unchanged."""

from django.db import migrations

PG = """
CREATE OR REPLACE FUNCTION ledger_check_balanced() RETURNS trigger AS $$
BEGIN
  IF current_setting('remarket.ledger_checked', true) = NEW.transaction_id::text THEN
    RETURN NULL;  -- checked just before, with every entry inserted so far
  END IF;
  IF EXISTS (SELECT 1 FROM ledger_ledgerentry WHERE transaction_id = NEW.transaction_id
             GROUP BY currency HAVING SUM(amount_minor) <> 0) THEN
    RAISE EXCEPTION 'ledger transaction % does not sum to zero per currency', NEW.transaction_id
      USING ERRCODE = '23514';
  END IF;
  PERFORM set_config('remarket.ledger_checked', NEW.transaction_id::text, true);
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE FUNCTION ledger_entries_inserting() RETURNS trigger AS $$
BEGIN
  PERFORM set_config('remarket.ledger_checked', '', true);
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_entries_inserting BEFORE INSERT ON ledger_ledgerentry
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_inserting();
"""
PG_BACK = """
DROP TRIGGER ledger_entries_inserting ON ledger_ledgerentry;
DROP FUNCTION ledger_entries_inserting();
CREATE OR REPLACE FUNCTION ledger_check_balanced() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM ledger_ledgerentry WHERE transaction_id = NEW.transaction_id
             GROUP BY currency HAVING SUM(amount_minor) <> 0) THEN
    RAISE EXCEPTION 'ledger transaction % does not sum to zero per currency', NEW.transaction_id
      USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG, params=None)  # no parameters: the '%' of RAISE stays as it is


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACK, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_append_only_and_balanced")]
    operations = [migrations.RunPython(forwards, backwards)]
