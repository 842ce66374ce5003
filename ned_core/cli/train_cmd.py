"""`ned train`: train learned models; `ned train manipulator` trains the emotion manipulator on a dataset."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from tqdm import tqdm

from ned_core.cli.common import echo_json
from ned_core.cli.options import json_option

_SHOWN = ("G/latent_adv", "G/latent_cyc", "G/latent_mouth", "D/latent_real")


@click.group()
def train() -> None:
    """Train learned models (multi-GPU: launch with `torchrun --nproc_per_node=G -m ned_core.cli.main train ...`)."""


@train.command("manipulator")
@click.argument("dataset_path", metavar="DATASET", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Run folder: checkpoints/ (step_*.pt, latest.pt) and logs/ (train.jsonl, TensorBoard events).")
@click.option("--val-dataset", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Validation dataset (default: hold out --val-actor clips, else 10% of the clips).")
@click.option("--val-actor", "val_actors", multiple=True,
              help="Hold out this actor's clips for validation (repeatable).")
@click.option("--resume", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Continue a run from its checkpoint (networks, optimisers, history; --steps is the total).")
@click.option("--init-from", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Start from a checkpoint's networks (ours or official NED): fine-tuning on DATASET.")
@click.option("--size", type=click.Choice(["paper", "small"]), default="paper", show_default=True,
              help="Network sizes of a new run (small: CPU-friendly).")
@click.option("--steps", type=int, default=20000, show_default=True, help="Total training iterations.")
@click.option("--batch-size", type=int, default=64, show_default=True)
@click.option("--lr", type=float, default=1e-4, show_default=True, help="Learning rate of G, E, D.")
@click.option("--mapping-lr", type=float, default=1e-4, show_default=True, help="Learning rate of M.")
@click.option("--decay-steps", type=int, default=0, show_default=True,
              help="Decay the learning rates linearly to 0 over the last N iterations.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--device", default="cpu", show_default=True, help="cpu, cuda or cuda:N.")
@click.option("--threads", type=int, default=0, help="CPU threads for torch (0 = torch's default).")
@click.option("--log-every", type=int, default=10, show_default=True)
@click.option("--val-every", type=int, default=500, show_default=True, help="0 = no validation.")
@click.option("--checkpoint-every", type=int, default=1000, show_default=True)
@json_option
@click.option("--quiet", is_flag=True, help="No progress bar.")
def manipulator(dataset_path, out_dir, val_dataset, val_actors, resume, init_from, size, steps, batch_size, lr,
                mapping_lr, decay_steps, seed, device, threads, log_every, val_every, checkpoint_every, as_json, quiet):
    """Train the learned emotion manipulator on DATASET (from `ned dataset build` or `ned dataset synth`).

    Losses, optimiser and alternation follow the paper (LSGAN, style reconstruction, cycle,
    jaw-correlation mouth loss; Adam 1e-4, betas (0, 0.99), batch 64). Training is
    reproducible from --seed; --resume continues exactly where a run stopped.
    """
    from ned_core.manipulation.config import sized_config
    from ned_core.training.config import TrainConfig
    from ned_core.training.dataset import load_dataset
    from ned_core.training.trainer import train_manipulator

    data = load_dataset(dataset_path)
    val = load_dataset(val_dataset) if val_dataset else None
    config = TrainConfig(steps=steps, batch_size=batch_size, lr=lr, mapping_lr=mapping_lr, decay_steps=decay_steps,
                         seed=seed, device=device, num_threads=threads, log_every=log_every, val_every=val_every,
                         checkpoint_every=checkpoint_every, val_actors=tuple(val_actors))
    sizes = sized_config(size, data.space.dim, len(data.space.emotions))
    with tqdm(total=steps, desc="train", file=sys.stderr, disable=quiet or as_json, dynamic_ncols=True) as bar:
        def show(event) -> None:
            bar.n = event.step
            bar.set_postfix({k.split("/", 1)[1]: f"{event.losses[k]:.3f}" for k in _SHOWN if k in event.losses})

        result = train_manipulator(data, out_dir, config, sizes, val=val, resume=resume, init_from=init_from,
                                   on_event=show)
    if as_json:
        echo_json({"checkpoint": str(result.checkpoint), "steps": result.steps, "history": result.history})
        return
    click.echo(f"trained {result.steps} iterations; checkpoint {result.checkpoint}")
    click.echo(f"logs: {out_dir / 'logs'} (tensorboard --logdir {out_dir / 'logs'})")
