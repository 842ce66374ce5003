"""`ned manipulator`: import official NED manipulator weights and inspect manipulator checkpoints."""

from __future__ import annotations

from pathlib import Path

import click

from ned_core.cli.common import echo_json
from ned_core.cli.options import json_option


@click.group()
def manipulator() -> None:
    """Manipulator checkpoints: import the official NED weights, show what a checkpoint holds."""


@manipulator.command("import-official")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--emotions", default=None,
              help="The official run's domain order, comma-separated, if it was not the default "
                   "neutral,angry,disgusted,fear,happy,sad,surprised.")
def import_official(source, out, emotions):
    """Convert an official NED manipulator file (e.g. 20_nets_finetuned.pth) to a checkpoint at OUT.

    The result works in the FLAME space (jaw + 50 expression coefficients); `ned render
    --director learned --checkpoint` also reads the official file directly.
    """
    from ned_core.manipulation.official_import import import_official_checkpoint
    from ned_core.manipulation.space import OFFICIAL_EMOTIONS

    order = tuple(e.strip() for e in emotions.split(",")) if emotions else OFFICIAL_EMOTIONS
    click.echo(f"wrote {import_official_checkpoint(source, out, order)}")


@manipulator.command("info")
@click.argument("checkpoint", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
def info(checkpoint, as_json):
    """Show a checkpoint's space, emotions, network sizes, step and provenance."""
    from ned_core.manipulation.load import load_manipulator

    loaded = load_manipulator(checkpoint)
    model = loaded.model
    doc = {"checkpoint": str(checkpoint), "space": model.space.name, "channels": model.space.dim,
           "emotions": list(model.space.emotions), "sizes": model.config.as_dict(), "step": loaded.step,
           "has_discriminator": model.discriminator is not None, "resumable": loaded.training is not None,
           "parameters": {n: sum(p.numel() for p in net.parameters()) for n, net in model.nets().items()},
           "provenance": loaded.provenance}
    if as_json:
        echo_json(doc)
        return
    click.echo(f"{checkpoint}: space {doc['space']} ({doc['channels']} channels), step {doc['step']}, "
               f"emotions {', '.join(doc['emotions'])}")
    click.echo("parameters: " + ", ".join(f"{n} {c:,}" for n, c in doc["parameters"].items()))
    click.echo(f"made by: {doc['provenance'].get('created_by', '?')}; resumable: {doc['resumable']}")
