"""Shared machinery of the example services: SQLite, DataLoaders, SDL, app and CLI."""
