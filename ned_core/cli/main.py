"""`ned` entry point: a click group whose subcommands live in their own modules, imported on use."""

from __future__ import annotations

import importlib
import sys
from importlib import metadata

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
    "submit": "ned_core.cli.submit_cmd:submit",
    "jobs": "ned_core.cli.jobs_cmd:jobs",
    "dataset": "ned_core.cli.dataset_cmd:dataset",
    "train": "ned_core.cli.train_cmd:train",
    "eval": "ned_core.cli.eval_cmd:eval_group",
    "manipulator": "ned_core.cli.manipulator_cmd:manipulator",
    "farm": "ned_core.cli.farm_cmd:farm",
}
#: entry-point group through which other packages add subcommands (ned_node adds `node`).
ENTRY_POINT_GROUP = "ned.commands"


def _plugin_commands() -> dict[str, metadata.EntryPoint]:
    """Subcommands other installed packages register in ``ENTRY_POINT_GROUP`` (ours win on a name clash)."""
    return {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP) if ep.name not in COMMANDS}


def _user_error(exc: Exception) -> bool:
    """A NedError, or a protocol error of a command that talked to a node (node refused, timeout, bad key)."""
    protocol = sys.modules.get("ned_protocol.exceptions")  # loaded only by commands that use the protocol
    return isinstance(exc, NedError) or (protocol is not None and isinstance(exc, protocol.ProtocolError))


class NedGroup(click.Group):
    """Lazily loaded subcommands; every NedError or ProtocolError becomes a one-line message and exit status 2."""

    def list_commands(self, ctx):
        return sorted({*COMMANDS, *_plugin_commands()})

    def get_command(self, ctx, name):
        target = COMMANDS.get(name)
        if target is not None:
            module, attr = target.split(":")
            return getattr(importlib.import_module(module), attr)
        plugin = _plugin_commands().get(name)
        return plugin.load() if plugin is not None else None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except Exception as e:
            if not _user_error(e):
                raise
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
