"""Migration operation for the full-text index: SQL that runs only on one database vendor."""

from django.db import migrations


class VendorRunSQL(migrations.RunSQL):
    """RunSQL that applies only when the database vendor matches (sqlite or postgresql)."""

    def __init__(self, vendor, sql, reverse_sql):
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def deconstruct(self):
        name, _, kwargs = super().deconstruct()
        return name, [self.vendor, kwargs.pop("sql"), kwargs.pop("reverse_sql")], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)
