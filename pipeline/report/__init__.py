"""Outputs for people: the management report, user notices, pseudonymisation, rendering."""
