"""Exchange rates as one row per currency and import (packed arrays) instead of one per date."""

import django.db.models.deletion
import numpy as np
from django.db import migrations, models


def rates_to_series(apps, schema_editor):
    ExchangeRate = apps.get_model("prices", "ExchangeRate")
    RateSeries = apps.get_model("prices", "RateSeries")
    series: dict[tuple[str, int], list[tuple]] = {}
    rows = ExchangeRate.objects.order_by("currency", "date").values_list("currency", "source_import_id", "date", "eur_rate", "usd_rate")
    for currency, import_id, date, eur, usd in rows:
        series.setdefault((currency, import_id), []).append((date, eur, usd))
    RateSeries.objects.bulk_create(
        RateSeries(
            currency=currency, source_import_id=import_id,
            days=np.array([d for d, _, _ in values], dtype="datetime64[D]").astype("<i4").tobytes(),
            eur_rates=np.array([e for _, e, _ in values], dtype="<f8").tobytes(),  # None -> NaN
            usd_rates=np.array([u for _, _, u in values], dtype="<f8").tobytes(),
        )
        for (currency, import_id), values in series.items()
    )


def series_to_rates(apps, schema_editor):
    ExchangeRate = apps.get_model("prices", "ExchangeRate")
    RateSeries = apps.get_model("prices", "RateSeries")

    def given(rate):
        return None if rate != rate else rate

    ExchangeRate.objects.bulk_create(
        (
            ExchangeRate(currency=s.currency, source_import_id=s.source_import_id, date=date, eur_rate=given(eur), usd_rate=given(usd))
            for s in RateSeries.objects.all()
            for date, eur, usd in zip(
                np.frombuffer(s.days, dtype="<i4").astype("datetime64[D]").tolist(),
                np.frombuffer(s.eur_rates, dtype="<f8").tolist(), np.frombuffer(s.usd_rates, dtype="<f8").tolist(),
            )
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
                ('days', models.BinaryField(help_text='Dates, ascending: int32 day numbers since 1970-01-01.')),
                ('eur_rates', models.BinaryField(help_text='Value of one unit in EUR on each date: float64, NaN when not given.')),
                ('usd_rates', models.BinaryField(help_text='Value of one unit in USD on each date: float64, NaN when not given.')),
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
