"""`ned eval`: measurement commands, one subcommand module each, imported only when run.

Add a subcommand by adding a line to ``SUBCOMMANDS`` (e.g. ``"shot":
"ned_core.cli.eval_shot_cmd:shot"``) and writing that module with a ``click.command``.
"""

from __future__ import annotations

import importlib

import click

#: subcommand -> "module:attribute" (lazy, like the top-level command map).
SUBCOMMANDS = {
    "manipulator": "ned_core.cli.eval_manipulator_cmd:manipulator",
    "shot": "ned_core.cli.eval_shot_cmd:shot",
}


class EvalGroup(click.Group):
    """Subcommands of `ned eval`, loaded on use."""

    def list_commands(self, ctx):
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx, name):
        target = SUBCOMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)


@click.group("eval", cls=EvalGroup)
def eval_group() -> None:
    """Measure results: `ned eval manipulator` judges a learned manipulator on a labelled dataset."""
