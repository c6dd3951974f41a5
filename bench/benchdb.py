"""Database set-up shared by the benchmark scripts."""

from __future__ import annotations

from urllib.parse import urlsplit


def fresh_postgres_database(url: str) -> None:
    """Drop and create the benchmark's PostgreSQL database, so every run starts the same."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
