"""Merchants created before the commission could come from the category carried the old default (10 %) as
their own rate; that value now means 'no negotiated rate'."""

from django.db import migrations


def forward(apps, schema_editor):
    apps.get_model("merchants", "Merchant").objects.filter(commission_bp=1000).update(commission_bp=None)


class Migration(migrations.Migration):
    dependencies = [("merchants", "0003_commission_override_subscription_fee")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
