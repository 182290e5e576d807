"""Existing arrivals get the rate of their month from the rate table as it is now, and
their amounts in 万元 / 万美元 at that rate (from here on, figures read only these). An
arrival whose month has no rate keeps no conversion; figures name that month as missing."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import migrations

CHUNK = 2000
QUANTUM = Decimal("0.0001")


def _at(value):
    return value.quantize(QUANTUM, rounding=ROUND_HALF_UP)


def backfill(apps, schema_editor):
    Arrival = apps.get_model("projects", "CapitalArrival")
    FxRate = apps.get_model("projects", "FxRate")
    rates = dict(FxRate.objects.values_list("month", "cny_per_usd"))
    batch = []
    for a in Arrival.objects.order_by("pk").iterator(chunk_size=CHUNK):
        needs = a.currency == "USD" or a.is_foreign
        a.rate = rates.get(a.arrived_on.replace(day=1)) if needs else None
        if a.currency == "CNY":
            a.cny_wan = _at(a.amount)
            a.usd_wan = _at(a.amount / a.rate) if a.is_foreign and a.rate else None
        else:
            a.cny_wan = _at(a.amount * a.rate) if a.rate else None
            a.usd_wan = _at(a.amount)
        batch.append(a)
        if len(batch) == CHUNK:
            Arrival.objects.bulk_update(batch, ["rate", "cny_wan", "usd_wan"])
            batch = []
    if batch:
        Arrival.objects.bulk_update(batch, ["rate", "cny_wan", "usd_wan"])


def clear(apps, schema_editor):
    Arrival = apps.get_model("projects", "CapitalArrival")
    Arrival.objects.update(rate=None, cny_wan=None, usd_wan=None)


class Migration(migrations.Migration):
    dependencies = [("projects", "0007_arrivals_keep_their_rate_and_corrections")]

    operations = [migrations.RunPython(backfill, clear)]
