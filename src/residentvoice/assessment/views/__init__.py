"""Assessment pages, one module per part of the routine (see `urls.py`)."""
