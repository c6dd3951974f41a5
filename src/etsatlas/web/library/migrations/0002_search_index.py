"""Full-text index of the library: FTS5 on SQLite, a tsvector trigger and GIN index on PostgreSQL.

Each statement runs only on its own vendor, so one migration history serves both databases.
The SQL is written out as it stood then; 0004 replaces it with the current layout.
"""

from django.db import migrations

from etsatlas.web.library.search.operations import VendorRunSQL

FTS = "library_resource_fts"
SQLITE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(title, search_text, content='library_resource',
        content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_ai AFTER INSERT ON library_resource BEGIN
        INSERT INTO {FTS}(rowid, title, search_text) VALUES (new.id, new.title, new.search_text); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_ad AFTER DELETE ON library_resource BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title, search_text) VALUES ('delete', old.id, old.title, old.search_text); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS}_au AFTER UPDATE OF title, search_text ON library_resource BEGIN
        INSERT INTO {FTS}({FTS}, rowid, title, search_text) VALUES ('delete', old.id, old.title, old.search_text);
        INSERT INTO {FTS}(rowid, title, search_text) VALUES (new.id, new.title, new.search_text); END""",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {FTS}_{t}" for t in ("ai", "ad", "au")] + [f"DROP TABLE IF EXISTS {FTS}"]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION library_resource_search_vector() RETURNS trigger AS $$
        BEGIN NEW.search_vector := setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
            setweight(to_tsvector('english', coalesce(NEW.search_text, '')), 'B'); RETURN NEW; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER library_resource_search_vector BEFORE INSERT OR UPDATE OF title, search_text
        ON library_resource FOR EACH ROW EXECUTE FUNCTION library_resource_search_vector()""",
    "CREATE INDEX IF NOT EXISTS library_resource_search_gin ON library_resource USING gin (search_vector)",
    "UPDATE library_resource SET title = title",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS library_resource_search_gin",
    "DROP TRIGGER IF EXISTS library_resource_search_vector ON library_resource",
    "DROP FUNCTION IF EXISTS library_resource_search_vector()",
]


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [
        VendorRunSQL("sqlite", SQLITE, SQLITE_DROP),
        VendorRunSQL("postgresql", POSTGRES, POSTGRES_DROP),
    ]
