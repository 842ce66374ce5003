"""`ned eval manipulator CHECKPOINT DATASET`: a learned manipulator's honest figures (manipulation.evaluate)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ned_core.cli.common import echo_json
from ned_core.cli.options import json_option


def _print_report(report: dict, checkpoint: Path, dataset: Path) -> None:
    click.echo(f"{checkpoint} on {dataset}: {report['runs']} face runs, "
               f"{report['translated_windows']} translated windows")
    click.echo(f"classifier on real held-out windows: {report['classifier_accuracy']:.3f}")
    click.echo(f"target emotion recognised: {report['target_accuracy']:.3f} (chance {report['chance']:.3f})")
    for emotion, value in report["target_accuracy_per_emotion"].items():
        click.echo(f"  {emotion:10} {value:.3f}")
    click.echo(f"jaw Pearson correlation with the input: mean {report['jaw_pcc_mean']:.3f}, "
               f"min {report['jaw_pcc_min']:.3f}")
    click.echo(f"own-style translation: L1 {report['self_l1']:.4f} ({report['self_relative_error']:.3f} of the data's "
               f"spread), source emotion kept {report['self_accuracy']:.3f}")
    if report["losses"]:
        click.echo("losses: " + ", ".join(f"{k} {v:.4f}" for k, v in sorted(report["losses"].items())))


@click.command()
@click.argument("checkpoint", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("dataset_path", metavar="DATASET", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--seed", type=int, default=0, show_default=True, help="Clip split and latents.")
@click.option("--max-runs", type=int, default=0, help="Translate at most this many face runs (0 = all).")
@click.option("--device", default="cpu", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the report as JSON.")
@json_option
def manipulator(checkpoint, dataset_path, seed, max_runs, device, out, as_json):
    """Judge CHECKPOINT (ours or official NED) on DATASET, ideally of actors it was not trained on.

    Reports: how often an independently trained classifier recognises the target emotion in
    translated sequences (and its accuracy on real ones), the jaw correlation with the input,
    how well translating to a sequence's own style reproduces it, and the training losses.
    """
    from ned_core.io.atomic import atomic_write_bytes
    from ned_core.manipulation.load import load_manipulator
    from ned_core.training.dataset import load_dataset
    from ned_core.training.evaluate import ManipulatorEvalConfig, evaluate_manipulator

    model = load_manipulator(checkpoint, device).model
    config = ManipulatorEvalConfig(seed=seed, max_runs=max_runs)
    report = evaluate_manipulator(model, load_dataset(dataset_path), config).as_dict()
    report = {"schema": "NedManipulatorEval.1", "checkpoint": str(checkpoint), "dataset": str(dataset_path), **report}
    if out is not None:
        atomic_write_bytes(out, json.dumps(report, indent=2).encode())
    echo_json(report) if as_json else _print_report(report, checkpoint, dataset_path)
