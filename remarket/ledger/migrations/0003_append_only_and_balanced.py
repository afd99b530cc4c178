"""The database itself keeps the ledger honest.

On PostgreSQL, entries and transactions are append-only (an UPDATE or DELETE is refused by a trigger; TRUNCATE,
which only a full reset uses, is not), and a deferred constraint trigger checks at commit that every
transaction touched sums to zero per currency. On SQLite, which has no deferred triggers, `ledger_post` is the
check, and the admin offers no change or delete."""

from django.db import migrations


def backfill(apps, schema_editor):
    Entry = apps.get_model("ledger", "LedgerEntry")
    for txn_id, at in apps.get_model("ledger", "LedgerTransaction").objects.values_list("pk", "at").iterator():
        Entry.objects.filter(transaction_id=txn_id, at__isnull=True).update(at=at)
    Entry.objects.filter(account="commission_revenue").update(line="commission")


PG = """
CREATE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = '55000';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_ledgerentry
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE OR DELETE ON ledger_ledgertransaction
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE FUNCTION ledger_check_balanced() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM ledger_ledgerentry WHERE transaction_id = NEW.transaction_id
             GROUP BY currency HAVING SUM(amount_minor) <> 0) THEN
    RAISE EXCEPTION 'ledger transaction % does not sum to zero per currency', NEW.transaction_id
      USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER ledger_balanced AFTER INSERT ON ledger_ledgerentry
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced();
"""
PG_DROP = """
DROP TRIGGER ledger_balanced ON ledger_ledgerentry;
DROP FUNCTION ledger_check_balanced();
DROP TRIGGER ledger_transaction_append_only ON ledger_ledgertransaction;
DROP TRIGGER ledger_entry_append_only ON ledger_ledgerentry;
DROP FUNCTION ledger_refuse_change();
"""


def triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG, params=None)


def triggers_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_lines_payouts_snapshots")]
    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(triggers, triggers_drop),
    ]
