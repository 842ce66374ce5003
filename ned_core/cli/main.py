"""`ned` entry point: a click group whose subcommands live in their own modules, imported on use."""

from __future__ import annotations

import importlib
import sys

import click

from ned_core import __version__
from ned_core.exceptions import NedError

#: subcommand -> "module:attribute"; modules are imported only when their command runs (fast start-up).
COMMANDS = {
    "info": "ned_core.cli.info_cmd:info",
    "models": "ned_core.cli.models_cmd:models",
    "plates": "ned_core.cli.plates_cmd:plates",
    "analyze": "ned_core.cli.analyze_cmd:analyze",
    "render": "ned_core.cli.render_cmd:render",
    "demo": "ned_core.cli.demo_cmd:demo",
    "node": "ned_core.cli.node_cmd:node",
    "submit": "ned_core.cli.submit_cmd:submit",
    "jobs": "ned_core.cli.jobs_cmd:jobs",
    "dataset": "ned_core.cli.dataset_cmd:dataset",
    "train": "ned_core.cli.train_cmd:train",
    "eval": "ned_core.cli.eval_cmd:eval_group",
    "manipulator": "ned_core.cli.manipulator_cmd:manipulator",
}


class NedGroup(click.Group):
    """Lazily loaded subcommands; every NedError becomes a one-line message and exit status 2."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)

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


def main() -> None:
    cli(prog_name="ned")


if __name__ == "__main__":
    main()
