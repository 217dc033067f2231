"""Benchmarks: seeded generators of mail logs and mailboxes, and the ``make bench`` runner."""
