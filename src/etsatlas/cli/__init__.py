"""The `etsatlas` command-line tool: one module per area, each adding its commands."""
