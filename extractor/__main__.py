"""`python -m extractor` runs the same CLI as the `xhht` command."""

from extractor.cli import main

main()
