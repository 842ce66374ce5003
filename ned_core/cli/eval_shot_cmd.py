"""`ned eval shot SOURCE (--plates DIR | --composites DIR | --emotion SPEC | --self)`: measure an emotion edit."""

from __future__ import annotations

import json
import tempfile
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

import click

from ned_core.cli.options import (
    FaceChoice, character_option, characters_option, config_from_options, json_option, model_dir_option,
    noncommercial_option, unit_option, with_source_options,
)
from ned_core.exceptions import ShotEvalRequestError
from ned_core.pipeline.directors import DIRECTORS
from ned_core.pipeline.request import ALL_FACES

#: what `--self` renders: the source's own expression, unchanged (intensity 0 keeps the face as it is).
SELF_SPEC = "neutral:0"


def target_of(spec: str | None) -> str | None:
    """The emotion a render spec asks for most (``happy:0.6+surprised:0.4`` -> happy); None at intensity 0."""
    if spec is None:
        return None
    from ned_core.direct import parse_emotion_spec
    from ned_core.direct.config import DirectConfig
    from ned_core.face3d.channels import EMOTIONS

    key = parse_emotion_spec(spec, 0, 0, DirectConfig()).keys[0]
    if key.weights is None or key.intensity == 0:
        return None
    return EMOTIONS[max(range(len(EMOTIONS)), key=key.weights.__getitem__)]


def _result_kind(plates, composites, emotion, reference, self_translation) -> str:
    given = [name for name, v in (("--plates", plates), ("--composites", composites), ("--emotion", emotion),
                                  ("--reference", reference), ("--self", self_translation)) if v]
    if len(given) != 1 and set(given) != {"--emotion", "--reference"}:
        raise ShotEvalRequestError(
            f"give one result to measure: --plates DIR, --composites DIR, --emotion SPEC or --self "
            f"(got {', '.join(given) or 'none'})")
    return {"--plates": "plates", "--composites": "composites"}.get(given[0], "render")


def _direction(request, loaded, config, models):
    """What the render ``request`` asked of this face: the per-channel report (see ``evaluate.channels``) and the
    face model's meshes of the source's fit and of the directed fit (the features' requested column)."""
    from ned_core.evaluate.channels import channel_report, requested_meshes
    from ned_core.face3d.embedded import EmbeddedFaceModel
    from ned_core.io.plates import open_plates
    from ned_core.pipeline.directing import build_schedule, direct_track, make_director

    with open_plates(request.source, frames=request.frames, colour=config.colour,
                     start_frame=request.start_frame) as plates:
        first, last = plates.info.frames[0], plates.info.frames[-1]
    schedule = build_schedule(request, first, last, config)
    director = make_director(request, config, models)
    inputs = loaded.inputs
    model = EmbeddedFaceModel.from_mean_face(config.fit)

    def direct(fit):
        return direct_track(director, schedule, inputs.frames, fit, request.seed)

    return (channel_report(model, inputs.source, inputs.result, inputs.source_landmarks, inputs.result_landmarks,
                           direct),
            requested_meshes(model, inputs.source_landmarks, direct))


def _request_of_plates(plates: Path, source: str, start_frame: int | None, track):
    """The render request finished plates record (``ned/emotion_keys``, director, seed), so that requested vs
    achieved can be measured for them too; None when they cannot say it (a reference clip or the learned
    director need what the plates do not carry; keys outside the folder's frames, from a render of a longer range,
    cannot be replayed over these frames)."""
    from ned_core.direct import parse_emotion_keys
    from ned_core.direct.config import DirectConfig
    from ned_core.evaluate.shot_inputs import find_exr_sequence
    from ned_core.exceptions import DirectError
    from ned_core.io.exr import read_face_plate
    from ned_core.pipeline.request import RenderRequest

    seq = find_exr_sequence(plates, "plates")
    params = read_face_plate(seq.frame(seq.start()))[1].params
    if params.get("director") != "prior" or params.get("reference") or not params.get("emotion_keys"):
        return None
    keys = json.loads(params["emotion_keys"])
    try:
        parse_emotion_keys(keys, seq.start(), seq.end(), DirectConfig())
    except DirectError:
        return None
    return RenderRequest(source=source, out_dir=str(plates), keys=keys,
                         frames=f"{seq.start()}-{seq.end()}", start_frame=start_frame, track=track,
                         seed=int(params.get("seed", 0)))


def _character_tracks(source, frames, start_frame, character, edits, config, models) -> tuple[int, ...] | None:
    """The track ids of ``character`` (the pipeline's analysis of the source, cached); None for every face or
    when no character is asked."""
    if character is None or character == ALL_FACES:
        return None
    from ned_core.io.plates import open_plates
    from ned_core.pipeline.characters import source_characters

    with open_plates(source, frames=frames, colour=config.colour, start_frame=start_frame) as plates:
        found, _, _ = source_characters(plates, config, models, edits, required=True)
    return found.characters.character(character).track_ids


def _default_tracks(source, frames, start_frame, edits, config, models) -> tuple[int, ...] | None:
    """The track ids a render edits when no face is chosen, when they are more than one (a range of several shots:
    the main face's character, ``pipeline.characters.default_faces``); None: the default face alone."""
    from ned_core.io.plates import open_plates
    from ned_core.pipeline.analyze import analyze_source
    from ned_core.pipeline.characters import default_faces

    with open_plates(source, frames=frames, colour=config.colour, start_frame=start_frame) as plates:
        analysis, _, source_hash = analyze_source(plates, config, models)
        if not analysis.tracks or len(analysis.shot_ranges()) < 2:
            return None
        chosen = default_faces(plates, config, models, analysis, edits, source_hash)
    return tuple(int(t.track.track_id) for t in chosen.tracks) if len(chosen.tracks) > 1 else None


@click.command("shot")
@with_source_options
@click.option("--plates", type=click.Path(path_type=Path), default=None,
              help="Folder of NED face plates (merged over SOURCE here).")
@click.option("--composites", type=click.Path(path_type=Path), default=None,
              help="Folder of full-frame composite EXRs (or a render's out folder with composite/).")
@click.option("--emotion", default=None, help="Render SOURCE with this emotion spec first (happy, happy:0.8, ...).")
@click.option("--reference", default=None, help="Render SOURCE in the style of this reference clip first.")
@click.option("--self", "self_translation", is_flag=True,
              help=f"Self-translation: render the source's own expression ({SELF_SPEC}) and measure fidelity.")
@click.option("--track", type=FaceChoice(), default=None,
              help="Face track id, or 'all' (measure every face); default: as `ned render` (largest, most central "
                   "face; over several shots the main actor).")
@character_option
@characters_option
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the render.")
@click.option("--director", type=click.Choice(list(DIRECTORS)), default=next(iter(DIRECTORS)), show_default=True)
@click.option("--checkpoint", default=None, help="Manipulator checkpoint for --director learned.")
@click.option("--target", default=None,
              help="Emotion whose recognition to measure (default: the one --emotion asks for most).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write eval.txt/.json/.html, the plots and the contact sheet here (and the render's plates).")
@click.option("--identity", is_flag=True,
              help="Measure identity with dlib's public-domain face descriptor "
                   "(pip install ned-render-node[identity]).")
@unit_option
@noncommercial_option
@model_dir_option
@json_option
def shot(source, frames, start_frame, ocio, input_space, cache_dir, no_cache, plates, composites, emotion,
         reference, self_translation, track, character, edits_file, seed, director, checkpoint, target, out_dir,
         identity, units,
         allow_noncommercial, model_dir, as_json):
    """Measure an edit of SOURCE: target-emotion recognition (vs the source's), mouth PCC and lip error,
    identity (with --identity), FAPD/APD/MAPD beside the paper's Table 1, and flicker.
    The mouth PCC is also measured on the pixels (the source's lips found in the result: a mouth cut by the frame's
    edge, which the re-analysed mesh loses, still counts), and the lip corners, brows and mouth opening are measured
    on the mesh and on the image (the mesh re-reads brow edits at a few percent of their size).
    When it renders (--emotion/--reference/--self), or for --plates that record their keys (prior director, no
    reference clip), also requested vs achieved activation per channel and per feature."""
    from ned_core.analysis import FaceMeshModels
    from ned_core.evaluate.emotion import EmotionClassifier
    from ned_core.evaluate.shot_eval import evaluate_shot, format_shot_tables, to_json, write_shot_report
    from ned_core.evaluate.shot_inputs import load_every_face, load_shot_inputs
    from ned_core.models import ModelStore
    from ned_core.pipeline.render_job import render_shot
    from ned_core.pipeline.request import RenderRequest

    kind = _result_kind(plates, composites, emotion, reference, self_translation)
    if track is not None and character is not None:
        raise ShotEvalRequestError("give --track or --character, not both")
    spec = SELF_SPEC if self_translation else emotion
    if target is not None:
        from ned_core.direct.labels import canonical_emotion

        target = canonical_emotion(target, "--target")
    else:
        target = target_of(spec)
    config = config_from_options(model_dir, ocio, input_space, cache_dir, no_cache)
    store = ModelStore(config.store)
    embedder = None
    if identity:  # loaded first: a missing opt-in, model or dlib fails before any rendering
        from ned_core.evaluate.identity_dlib import DlibIdentityEmbedder

        embedder = DlibIdentityEmbedder.load(
            ModelStore(replace(config.store, allow_noncommercial=allow_noncommercial)))
    models = FaceMeshModels.load(store, config.analysis)
    classifier = EmotionClassifier.load(store)
    edits = None
    if edits_file is not None:
        from ned_core.analysis.characters import read_edits

        edits = read_edits(edits_file)
    faces_of = (_character_tracks(source, frames, start_frame, character, edits, config, models)
                if track is not None or character is not None
                else _default_tracks(source, frames, start_frame, edits, config, models))
    request = None
    with ExitStack() as stack:
        result = plates if kind == "plates" else composites
        if kind == "render":
            result = out_dir / "render" if out_dir else Path(stack.enter_context(tempfile.TemporaryDirectory()))
            request = RenderRequest(source=source, out_dir=str(result), emotion=spec, reference=reference,
                                    frames=frames, start_frame=start_frame, track=track, character=character,
                                    character_edits=edits, seed=seed, director=director, checkpoint=checkpoint,
                                    units=tuple(units))
            render_shot(request, config, models=models)
            kind = "plates"
        elif units:
            raise ShotEvalRequestError("--unit goes with a render here (--emotion, --reference or --self)")
        elif kind == "plates":
            request = _request_of_plates(plates, source, start_frame, track)
        if faces_of is not None or ALL_FACES in (track, character):
            faces = load_every_face(source, result, kind, config, models, frames=frames, start_frame=start_frame,
                                    tracks=faces_of)
        else:
            faces = {None: load_shot_inputs(source, result, kind, config, models, frames=frames,
                                            start_frame=start_frame, track=track)}
    evaluations = {}
    for face, loaded in faces.items():
        channels, requested = _direction(request, loaded, config, models) if request is not None else (None, None)
        evaluations[face] = replace(evaluate_shot(loaded, classifier, target, embedder, requested=requested),
                                    channels=channels)
    if as_json:
        click.echo(to_json(evaluations[None]) if None in evaluations else json.dumps(
            {"faces": {str(face): json.loads(to_json(e)) for face, e in evaluations.items()}}, indent=1))
    for face, evaluation in evaluations.items() if not as_json else ():
        if face is not None:
            click.echo(f"\n== face track {face} ==")
        click.echo(format_shot_tables(evaluation), nl=False)
    if out_dir is not None:
        for face, evaluation in evaluations.items():
            folder = out_dir if face is None else out_dir / f"track{face}"
            files = write_shot_report(evaluation, faces[face], folder)
            click.echo(f"report: {files.html}", err=as_json)
