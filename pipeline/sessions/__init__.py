"""Sessionising: parsed log events in, one ``sessions`` row per client connection out."""
