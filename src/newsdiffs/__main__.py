"""`python -m newsdiffs`."""

from newsdiffs.cli import main

main()
