"""PostgreSQL search folds accents ("Quebec" finds "Québec", as on SQLite) and keeps the vector in the row.

A text search configuration `library_english` (`english` with the `unaccent` dictionary first)
builds the index and parses the queries. The `unaccent` extension ships with PostgreSQL
(contrib) and is trusted: the database owner can create it without superuser rights.
`search_vector` is stored in the row (STORAGE MAIN), not out of line, because ranking reads it
for every match. Every row is rewritten once. The SQL is written out as it stands in this
migration; search/postgres.py holds the current version.
"""

from django.db import migrations

from etsatlas.web.library.search.operations import VendorRunSQL

CONFIG = "library_english"
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = english)",
    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR word, hword, hword_part WITH unaccent, english_stem",
    f"""CREATE OR REPLACE FUNCTION library_resource_search_vector() RETURNS trigger AS $$
        BEGIN NEW.search_vector := setweight(to_tsvector('{CONFIG}', coalesce(NEW.title, '')), 'A') ||
            setweight(to_tsvector('{CONFIG}', coalesce(NEW.search_text, '')), 'B') ||
            setweight(to_tsvector('{CONFIG}', coalesce(NEW.search_keywords, '')), 'B'); RETURN NEW; END $$ LANGUAGE plpgsql""",
    "ALTER TABLE library_resource ALTER COLUMN search_vector SET STORAGE MAIN",
    "UPDATE library_resource SET title = title",
]
POSTGRES_REVERSE = [
    """CREATE OR REPLACE FUNCTION library_resource_search_vector() RETURNS trigger AS $$
        BEGIN NEW.search_vector := setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
            setweight(to_tsvector('english', coalesce(NEW.search_text, '')), 'B') ||
            setweight(to_tsvector('english', coalesce(NEW.search_keywords, '')), 'B'); RETURN NEW; END $$ LANGUAGE plpgsql""",
    "ALTER TABLE library_resource ALTER COLUMN search_vector SET STORAGE EXTENDED",
    "UPDATE library_resource SET title = title",
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}",
]


class Migration(migrations.Migration):
    dependencies = [("library", "0005_resource_created_by")]

    operations = [VendorRunSQL("postgresql", POSTGRES, POSTGRES_REVERSE)]
