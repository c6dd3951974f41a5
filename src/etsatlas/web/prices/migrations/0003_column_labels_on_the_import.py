"""Keep the label of each file column once on its import instead of on every observation;
drop the database constraint of Observation.source_import (see the model)."""

import django.db.models.deletion
from django.db import migrations, models


def labels_to_imports(apps, schema_editor):
    PriceImport = apps.get_model("prices", "PriceImport")
    Observation = apps.get_model("prices", "Observation")
    labels: dict[int, dict[str, str]] = {}
    for import_id, column, source in Observation.objects.values_list("source_import_id", "column", "source").distinct():
        labels.setdefault(import_id, {})[str(column)] = source
    for import_id, columns in labels.items():
        PriceImport.objects.filter(id=import_id).update(columns=columns)


def labels_to_observations(apps, schema_editor):
    PriceImport = apps.get_model("prices", "PriceImport")
    Observation = apps.get_model("prices", "Observation")
    for record in PriceImport.objects.all():
        for column, source in record.columns.items():
            Observation.objects.filter(source_import_id=record.id, column=int(column)).update(source=source)


class Migration(migrations.Migration):

    dependencies = [
        ('prices', '0002_lighter_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='priceimport',
            name='columns',
            field=models.JSONField(default=dict, help_text='Column group and header of each column of the file, by column number.'),
        ),
        # A default, so that going back re-adds the column to existing rows before filling it.
        migrations.AlterField(
            model_name='observation',
            name='source',
            field=models.CharField(default='', help_text='Column group and header of the value in the file.', max_length=200),
        ),
        migrations.RunPython(labels_to_imports, labels_to_observations),
        migrations.RemoveField(
            model_name='observation',
            name='source',
        ),
        migrations.AlterField(
            model_name='observation',
            name='source_import',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='observations', to='prices.priceimport'),
        ),
    ]
