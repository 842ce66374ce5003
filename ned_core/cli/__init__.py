"""The `ned` command line."""
