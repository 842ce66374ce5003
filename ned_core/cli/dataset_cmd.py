"""`ned dataset`: build expression-sequence datasets from labelled videos (or synthetic actors) and inspect them."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from tqdm import tqdm

from ned_core.cli.common import echo_json
from ned_core.cli.options import config_from_options, json_option, model_dir_option
from ned_core.training.dataset import ExpressionDataset, load_dataset, save_dataset
from ned_core.training.dataset_layouts import LAYOUTS


def dataset_summary(dataset: ExpressionDataset, path: Path) -> dict:
    """Plain summary of a dataset (for `info` and after `build`)."""
    return {
        "path": str(path), "space": dataset.space.name, "channels": dataset.space.dim, "clips": dataset.num_clips,
        "frames": int(len(dataset.expression)), "frames_with_face": int(dataset.valid.sum()),
        "actors": sorted(set(dataset.clip_actors)), "labelled_frames": dataset.label_counts(), "info": dataset.info,
    }


def _print_summary(summary: dict) -> None:
    click.echo(f"{summary['path']}: {summary['clips']} clips, {summary['frames']} frames "
               f"({summary['frames_with_face']} with a face), space {summary['space']} "
               f"({summary['channels']} channels), {len(summary['actors'])} actors")
    click.echo("labelled frames: " + ", ".join(f"{e} {n}" for e, n in summary["labelled_frames"].items()))
    skipped = summary["info"].get("skipped_no_face") or []
    if skipped:
        click.echo(f"skipped (no face): {len(skipped)} video(s), e.g. {skipped[0]}")


@click.group()
def dataset() -> None:
    """Expression-sequence datasets for training the learned manipulator (format NedExprDataset.1)."""


@dataset.command("build")
@click.argument("root", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--layout", type=click.Choice(LAYOUTS), default="folder", show_default=True,
              help="folder: ROOT/<emotion>/[<actor>/]*.mp4; mead: ROOT/<actor>/video/front/<emotion>/level_N/*.mp4; "
                   "affwild2: ROOT holds the videos, --annotations the per-frame label files.")
@click.option("--level", "levels", type=int, multiple=True, default=(3,), show_default=True,
              help="MEAD intensity level(s) to read (repeatable); neutral is always read (MEAD has it at level 1).")
@click.option("--actor", "actors", multiple=True, help="MEAD: only these actors (repeatable).")
@click.option("--annotations", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Aff-Wild2: folder of <video>.txt expression annotation files.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Analysis cache folder (default: $NED_CACHE_DIR or ~/.cache/ned/analysis).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the analysis cache.")
@model_dir_option
@json_option
@click.option("--quiet", is_flag=True, help="No progress bar.")
def build(root, out, layout, levels, actors, annotations, cache_dir, no_cache, model_dir, as_json, quiet):
    """Analyse the labelled videos under ROOT and write their per-frame expressions to OUT (.npz).

    Each video's main face (Aff-Wild2: the annotated left/right person) is tracked and fitted;
    frames without it are kept as gaps that training windows never cross. Contempt is dropped.
    """
    from ned_core.training.dataset_build import build_dataset
    from ned_core.training.dataset_layouts import find_videos

    config = config_from_options(model_dir, None, None, cache_dir, no_cache)
    videos = find_videos(layout, root, tuple(levels), tuple(actors), annotations)
    info = {"layout": layout, "root": str(root), "levels": list(levels), "actors": list(actors)}
    with tqdm(total=len(videos), desc="videos", file=sys.stderr, disable=quiet or as_json) as bar:
        result = build_dataset(videos, config, info, progress=lambda done, total, video: bar.update(1))
    save_dataset(result, out)
    summary = dataset_summary(result, out)
    echo_json(summary) if as_json else _print_summary(summary)


@dataset.command("synth")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--actors", type=int, default=6, show_default=True, help="Synthetic actors.")
@click.option("--clips-per-emotion", type=int, default=2, show_default=True, help="Clips per actor and emotion.")
@click.option("--frames", type=int, default=100, show_default=True, help="Frames per clip.")
@click.option("--first-actor", type=int, default=0, show_default=True,
              help="Id of the first actor (disjoint ranges give disjoint actors, e.g. for a test set).")
@click.option("--seed", type=int, default=0, show_default=True, help="Clip randomness.")
@json_option
def synth(out, actors, clips_per_emotion, frames, first_actor, seed, as_json):
    """Write a labelled synthetic dataset (embedded space: talking actors playing each emotion) to OUT."""
    from ned_core.training.dataset_synthetic import synthetic_dataset

    result = synthetic_dataset(actors, clips_per_emotion, frames, seed, first_actor)
    save_dataset(result, out)
    summary = dataset_summary(result, out)
    echo_json(summary) if as_json else _print_summary(summary)


@dataset.command("info")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@json_option
def info(path, as_json):
    """Summarise the dataset at PATH: clips, frames, actors, labelled frames per emotion."""
    summary = dataset_summary(load_dataset(path), path)
    echo_json(summary) if as_json else _print_summary(summary)
