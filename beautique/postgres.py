"""Database pieces that differ between PostgreSQL (production) and SQLite (local)."""

from django.db import models
from django.db.migrations.operations import RunSQL


class PostgresRunSQL(RunSQL):
    """`RunSQL` that only runs on PostgreSQL: for GIN and trigram indexes.

    Such indexes live in migrations rather than `Meta.indexes` because SQLite rebuilds
    a table with every index in the model state, and cannot express them.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


@models.JSONField.register_lookup
class HasElement(models.Lookup):
    """`field__has_element=value`: a JSON list field contains `value` as an element.

    PostgreSQL answers with `@>` (served by a GIN index); SQLite with `json_each`.
    """

    lookup_name = "has_element"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [value])

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} @> jsonb_build_array(%s::text)", [*lhs_params, self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        sql = f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value = %s)"
        return sql, [*lhs_params, self.rhs]
