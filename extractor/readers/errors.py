"""The one error every reader raises, in a module of its own so readers need not import the
dispatch in `extractor.readers` (which imports them): the readers stay free of import cycles."""


class ReadError(Exception):
    """A file that cannot be read; str() is the one-line reason shown to the user."""
