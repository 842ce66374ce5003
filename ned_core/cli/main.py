"""`ned` entry point: a click group; each subcommand lives in its own module."""

from __future__ import annotations

import sys

import click

from ned_core import __version__
from ned_core.exceptions import NedError


class NedGroup(click.Group):
    """Turns every NedError into a one-line message and exit status 2 (no traceback)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except NedError as e:
            click.echo(f"ned: error: {e}", err=True)
            sys.exit(2)


@click.group(cls=NedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ned")
def cli() -> None:
    """NED: change the emotion an actor plays in a shot, keep the speech."""


def _register() -> None:
    from ned_core.cli import info_cmd, models_cmd

    cli.add_command(info_cmd.info)
    cli.add_command(models_cmd.models)
    from ned_core.cli import plates_cmd
    cli.add_command(plates_cmd.plates)


_register()


def main() -> None:
    cli(prog_name="ned")


if __name__ == "__main__":
    main()
