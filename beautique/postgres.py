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


@models.CharField.register_lookup
class Resembles(models.Lookup):
    """`field__resembles=word`: the rows that may be a misspelling of `word` (or it of
    them), for the caller to confirm with an edit distance.

    PostgreSQL answers with trigram similarity (`%`, served by a trigram index); SQLite,
    which has no trigrams, with the same first letter and a length within two.
    """

    lookup_name = "resembles"

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} %% {rhs}", [*lhs_params, *rhs_params]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        sql = (
            f"substr({lhs}, 1, 1) = substr({rhs}, 1, 1) AND abs(length({lhs}) - length({rhs})) <= 2"
        )
        return sql, [*lhs_params, *rhs_params] * 2


@models.TextField.register_lookup
class HasWords(models.Lookup):
    """`field__has_words=["maroon", "long shirt"]`: the text (words separated by single
    spaces, as `catalog.words.search_text` writes it) has, for one of the terms, every
    word of the term at the start of one of its words. The terms must be written the
    same way (letters and digits only, single spaces): they become a `tsquery`.

    PostgreSQL answers with full-text search (`simple` configuration, prefix matches),
    served by a GIN index on `to_tsvector('simple', field)`; SQLite with `LIKE '% word%'`.
    """

    lookup_name = "has_words"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [value])

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        query = " | ".join(
            "(" + " & ".join(f"{word}:*" for word in term.split()) + ")" for term in self.rhs
        )
        sql = f"to_tsvector('simple'::regconfig, {lhs}) @@ to_tsquery('simple'::regconfig, %s)"
        return sql, [*lhs_params, query]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        alternatives, params = [], []
        for term in self.rhs:
            words = term.split()
            alternatives.append("(" + " AND ".join([f"{lhs} LIKE %s"] * len(words)) + ")")
            for word in words:
                params += [*lhs_params, f"% {word}%"]
        return "(" + " OR ".join(alternatives) + ")", params
