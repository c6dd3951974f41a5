"""Full-text index of the library: FTS5 on SQLite, a tsvector trigger and GIN index on PostgreSQL.

Each RunSQL runs only on its own vendor, so one migration history serves both databases.
"""

from django.db import migrations

from etsatlas.web.library.search import postgres, sqlite


class VendorRunSQL(migrations.RunSQL):
    """RunSQL that applies only when the database vendor matches."""

    def __init__(self, vendor, sql, reverse_sql):
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, kwargs.pop("sql"), kwargs.pop("reverse_sql")], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [
        VendorRunSQL("sqlite", sqlite.CREATE + [f"INSERT INTO {sqlite.FTS}({sqlite.FTS}) VALUES ('rebuild')"], sqlite.DROP),
        VendorRunSQL("postgresql", postgres.CREATE, postgres.DROP),
    ]
