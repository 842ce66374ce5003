"""`ned demo`: the README's main job — NED on real faces that ship inside installed packages."""

from __future__ import annotations

from pathlib import Path

import click

from ned_core.cli.common import print_summary
from ned_core.cli.options import model_dir_option, quiet_option
from ned_core.cli.progress_bar import ProgressBars


def _still(out: Path) -> Path:
    """The astronaut (scikit-image) if installed, else Grace Hopper (matplotlib), as a PNG still."""
    import OpenImageIO as oiio

    from ned_core.exceptions import SyntheticActorError
    from ned_core.synthetic import sample_photo

    try:
        name, photo = "astronaut", sample_photo("astronaut")
    except SyntheticActorError:
        name, photo = "grace_hopper", sample_photo("grace_hopper")
    path = out / f"{name}.png"
    if not oiio.ImageBuf(photo).write(str(path)):
        raise click.ClickException(f"cannot write {path}: {oiio.geterror()}")
    return path


def _clip(out: Path, models, frames: int) -> Path:
    """A short speaking clip built from Grace Hopper's photo (known jaw motion, a smile, head motion)."""
    from ned_core.face3d.embedded import EmbeddedFaceModel
    from ned_core.synthetic import SyntheticActorConfig, make_synthetic_actor, sample_photo, write_mp4

    clip = make_synthetic_actor(sample_photo("grace_hopper"), SyntheticActorConfig(num_frames=frames, seed=0),
                                models, EmbeddedFaceModel.from_mean_face())
    return write_mp4(clip.frames, out / "speaker.mp4", clip.fps)


@click.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("ned-demo"),
              show_default=True, help="Folder for the inputs, plates and previews.")
@click.option("--still-emotion", default="sad", show_default=True, help="Emotion for the still image.")
@click.option("--clip-emotion", default="surprised:0.8", show_default=True, help="Emotion for the speaking clip.")
@click.option("--frames", type=int, default=48, show_default=True, help="Length of the speaking clip.")
@model_dir_option
@quiet_option
def demo(out_dir: Path, still_emotion: str, clip_emotion: str, frames: int, model_dir, quiet: bool) -> None:
    """Render a real face still and a short speaking clip; print where the plates and previews went."""
    from ned_core.analysis import FaceMeshModels
    from ned_core.cli.options import config_from_options
    from ned_core.models import ModelStore
    from ned_core.pipeline.render_job import render_shot
    from ned_core.pipeline.request import RenderRequest

    inputs = out_dir / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    config = config_from_options(model_dir, None, None, out_dir / "cache", False)
    models = FaceMeshModels.load(ModelStore(config.store), config.analysis)
    jobs = [(_still(inputs), still_emotion, out_dir / "still"), (_clip(inputs, models, frames), clip_emotion,
                                                                   out_dir / "clip")]
    for source, emotion, out in jobs:
        click.echo(f"\n== {source.name}: {emotion}")
        request = RenderRequest(source=str(source), out_dir=str(out), emotion=emotion, preview=True, composite=True)
        with ProgressBars(enabled=not quiet) as bars:
            summary = render_shot(request, config, progress=bars, models=models)
        print_summary(summary, as_json=False)
    click.echo(f"\nInputs in {inputs}; inspect a plate with: ned plates inspect {out_dir / 'still'}")
