"""The migration plan (``plan.toml``): phases, exit criteria, grace list, evaluation."""
