"""Click options shared by several subcommands (light imports only: every command loads this module)."""

from __future__ import annotations

from pathlib import Path

import click

from ned_core.pipeline.directors import DIRECTORS
from ned_core.pipeline.request import ALL_FACES, DEFAULT_PATTERN


class FaceChoice(click.ParamType):
    """A face id (``--track 3``) or ``all`` (every face): the value is an int or the string ``"all"``."""

    name = "ID|all"

    def get_metavar(self, *args, **kwargs) -> str:
        return self.name

    def convert(self, value, param, ctx):
        if isinstance(value, int) or value == ALL_FACES:
            return value
        try:
            return int(value)
        except ValueError:
            self.fail(f"{value!r} is neither an id (an integer) nor {ALL_FACES!r}", param, ctx)


json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout.")
quiet_option = click.option("--quiet", is_flag=True, help="No progress bars.")
model_dir_option = click.option(
    "--model-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Model store folder (default: $NED_MODEL_DIR or ~/.local/share/ned/models).",
)
noncommercial_option = click.option(
    "--allow-noncommercial",
    is_flag=True,
    help="Opt in to models under non-commercial licences (FLAME, DECA, FAN, dlib 68-point).",
)

#: SOURCE and how it is read: `ned analyze`, `ned render`, `ned submit`, `ned eval shot`.
source_options = [
    click.argument("source"),
    click.option("--frames", default=None, help="Frame range, e.g. 1001-1100 (default: the whole shot)."),
    click.option("--start-frame", type=int, default=None, help="Number of a movie's first frame (default 0)."),
    click.option("--ocio", default=None, help="OpenColorIO config (default: $OCIO, else the built-in config)."),
    click.option("--input-space", default=None, help="Source colour space (default: by file type)."),
    click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                 help="Analysis cache folder (default: $NED_CACHE_DIR or ~/.cache/ned/analysis)."),
    click.option("--no-cache", is_flag=True, help="Neither read nor write the analysis cache."),
]


def _apply(options: list, fn):
    for option in reversed(options):
        fn = option(fn)
    return fn


def with_source_options(fn):
    """Adds SOURCE, --frames, --start-frame, --ocio, --input-space, --cache-dir and --no-cache."""
    return _apply(source_options, fn)


def config_from_options(model_dir: Path | None, ocio: str | None, input_space: str | None,
                        cache_dir: Path | None, no_cache: bool, **overrides):
    """The ``NedConfig`` the shared source options describe (stage slices replaced by ``overrides``)."""
    from dataclasses import replace

    from ned_core.io.colour import ColourConfig
    from ned_core.models.store import StoreConfig, default_model_dir
    from ned_core.pipeline.config import NedConfig, default_cache_dir

    return replace(
        NedConfig(),
        colour=ColourConfig(config=ocio, input_space=input_space),
        store=StoreConfig(root=model_dir or default_model_dir()),
        cache_dir=None if no_cache else (cache_dir or default_cache_dir()),
        **overrides,
    )


#: What to render and where: `ned render` and `ned submit`.
render_options = [
    click.option("--emotion", default=None,
                 help="Target: neutral, happy, sad, angry, fear, surprised, disgusted, with an optional "
                      "intensity 0-1.5 (happy:0.8) or a blend (happy:0.6+surprised:0.4)."),
    click.option("--keys", "keys_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
                 help="Keyframed emotion (JSON, schema EmotionKeys.2 or .1)."),
    click.option("--reference", default=None, help="Reference clip whose style to copy ('like this clip')."),
    click.option("--track", type=FaceChoice(), default=None,
                 help="Face track id (see `ned analyze`), or 'all' (every face, a track<id> layer each); default: "
                      "largest, most central face (over several shots: the main actor, see README)."),
    click.option("--seed", type=int, default=0, show_default=True, help="Seed, recorded in the plates."),
    click.option("--director", type=click.Choice(list(DIRECTORS)), default=next(iter(DIRECTORS)), show_default=True,
                 help="Embedded EMFACS prior, or the learned manipulator (needs --checkpoint)."),
    click.option("--checkpoint", default=None, help="Manipulator checkpoint for --director learned."),
    click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
                 help="Output folder for the plates."),
    click.option("--pattern", default=DEFAULT_PATTERN, show_default=True, help="Plate file name."),
    click.option("--compression", default="dwaa:45", show_default=True,
                 help="EXR compression: dwaa[:level], dwab[:level], zip, zips, piz, none."),
    click.option("--full-frame", is_flag=True, help="Data window = full frame (for hosts that need it, e.g. Resolve)."),
    click.option("--preview", is_flag=True, help="Also write an H.264 preview with the source audio."),
    click.option("--composite", "write_composite", is_flag=True,
                 help="Also write a full-frame composite EXR sequence (plate merged over the source)."),
]


def with_render_options(fn):
    """Adds the emotion, director and output options of `ned render`."""
    return _apply(render_options, fn)


#: ``--unit NAME=VALUE`` (repeatable): per-unit overrides on top of the emotion (``ned render``, ``ned eval shot``).
unit_option = click.option(
    "--unit", "units", multiple=True, metavar="NAME=VALUE",
    help="Per-unit override on top of the emotion, NAME=VALUE in -1.5..1.5 (e.g. brow_inner_up=-0.5); "
         "repeatable. Names: the expression channels and their L/R groups (`ned info` lists them).")


#: ``--characters EDITS.json``: the artist's merge/split of characters (``ned analyze``, ``render``, ``eval shot``).
characters_option = click.option(
    "--characters", "edits_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
    help="Character edits (JSON, schema NedCharacterEdits.1): {\"merge\": [[track ids]], \"split\": [track ids]}.")

#: ``--character ID|all`` and ``--characters EDITS.json`` on `ned render` and `ned submit` (issue 11).
character_option = click.option(
    "--character", type=FaceChoice(), default=None,
    help="Character id (see `ned analyze`: one person's tracks across cuts), or 'all' (every face); not with "
         "--track.")
render_options += [character_option, characters_option]


#: ``--c2pa-cert`` / ``--c2pa-key``: sign the preview with a C2PA manifest (``ned render --preview``).
c2pa_options = [
    click.option("--c2pa-cert", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
                 help="PEM certificate chain (signer first) to sign the preview's C2PA manifest declaring the AI "
                      "edit (needs the c2pa extra); with --c2pa-key."),
    click.option("--c2pa-key", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
                 help="PEM (PKCS#8) private key of --c2pa-cert."),
]


def with_c2pa_options(fn):
    """Adds ``--c2pa-cert`` and ``--c2pa-key``."""
    return _apply(c2pa_options, fn)


#: ``--stmap``: the warp as an STMap layer in every plate (``ned render``, its farm tasks, ``ned submit``).
stmap_option = click.option(
    "--stmap", is_flag=True,
    help="Also write the warp as an STMap layer (stmap.u/stmap.v, 32-bit float, Nuke's STMap convention) in every "
         "plate, to re-apply the edit to a denoised plate with Nuke's STMap node (mouth fills are not in the map).")
render_options += [stmap_option]
