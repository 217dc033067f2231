"""The envelope formats that :mod:`parsers.envelope` dispatches to, one module per family."""
