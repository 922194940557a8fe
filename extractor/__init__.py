"""xhht-extractor: Vietnamese learning-society reports into one comparable SQLite database."""

__version__ = "0.1.0"
