"""Exchange rates as one row per currency and import (parallel arrays) instead of one per date."""

import django.db.models.deletion
from django.db import migrations, models


def rates_to_series(apps, schema_editor):
    ExchangeRate = apps.get_model("prices", "ExchangeRate")
    RateSeries = apps.get_model("prices", "RateSeries")
    series: dict[tuple[str, int], dict[str, list]] = {}
    rows = ExchangeRate.objects.order_by("currency", "date").values_list("currency", "source_import_id", "date", "eur_rate", "usd_rate")
    for currency, import_id, date, eur, usd in rows:
        arrays = series.setdefault((currency, import_id), {"dates": [], "eur_rates": [], "usd_rates": []})
        arrays["dates"].append(date.isoformat())
        arrays["eur_rates"].append(eur)
        arrays["usd_rates"].append(usd)
    RateSeries.objects.bulk_create(
        RateSeries(currency=currency, source_import_id=import_id, **arrays) for (currency, import_id), arrays in series.items()
    )


def series_to_rates(apps, schema_editor):
    ExchangeRate = apps.get_model("prices", "ExchangeRate")
    RateSeries = apps.get_model("prices", "RateSeries")
    ExchangeRate.objects.bulk_create(
        (
            ExchangeRate(currency=s.currency, source_import_id=s.source_import_id, date=date, eur_rate=eur, usd_rate=usd)
            for s in RateSeries.objects.all()
            for date, eur, usd in zip(s.dates, s.eur_rates, s.usd_rates)
        ),
        batch_size=2000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('prices', '0003_column_labels_on_the_import'),
    ]

    operations = [
        migrations.CreateModel(
            name='RateSeries',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('currency', models.CharField(max_length=3)),
                ('dates', models.JSONField(default=list, help_text='ISO dates, ascending.')),
                ('eur_rates', models.JSONField(default=list, help_text='Value of one unit in EUR on each date (null: not given).')),
                ('usd_rates', models.JSONField(default=list, help_text='Value of one unit in USD on each date (null: not given).')),
                ('source_import', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='rate_series', to='prices.priceimport')),
            ],
            options={
                'verbose_name_plural': 'rate series',
            },
        ),
        migrations.AddConstraint(
            model_name='rateseries',
            constraint=models.UniqueConstraint(fields=('currency', 'source_import'), name='prices_rate_series_key'),
        ),
        migrations.RunPython(rates_to_series, series_to_rates),
        migrations.DeleteModel(
            name='ExchangeRate',
        ),
    ]
