"""`python -m vigie.cli`: the `vigie` command."""

from vigie.cli import run

run()
