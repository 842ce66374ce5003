"""Strong angry on the real stills: the brows come down onto the lids without folding the skin between them.

At intensity 1.5 the directed displacement lowers the brows further than the skin above the lid can
follow (measured before unfolding: signed-area ratio down to -1.4 on the astronaut, -1.2 on Grace Hopper:
the skin is mirrored). The targets the render gets keep every measurable skin triangle at >= 35 % of its
source area and the brows keep their lowering.
"""

from __future__ import annotations

import numpy as np
import pytest

from ned_core.analysis.regions import LEFT_BROW, RIGHT_BROW, interocular_distance
from ned_core.pipeline.directing import build_schedule, direct_track, make_director
from ned_core.pipeline.request import RenderRequest
from ned_core.pipeline.targets import target_landmarks
from ned_core.render.unfold import area_ratios, triangle_floors

BROWS = list(LEFT_BROW + RIGHT_BROW)


@pytest.fixture(scope="module", params=["astronaut", "grace_hopper"])
def angry(request, stills, analyse, ned_config, mesh_models, face_model, tmp_path_factory):
    """``(source landmarks (1, 478, 3), target landmarks (1, 478, 3), raw directed displacement (1, 468, 3))``."""
    shot = analyse(stills[request.param])
    track, fit = shot.track, shot.fit
    job = RenderRequest(source=str(stills[request.param]), out_dir=str(tmp_path_factory.mktemp("o")),
                        emotion="angry:1.5")
    frames = track.track.frames
    schedule = build_schedule(job, int(frames[0]), int(frames[-1]), ned_config)
    directed = direct_track(make_director(job, ned_config, mesh_models), schedule, frames, fit, job.seed)
    raw = face_model.reconstruct(fit, directed) - face_model.reconstruct(fit)
    return track.landmarks, target_landmarks(face_model, fit, directed, track.landmarks), raw


def test_the_skin_between_brow_and_lid_is_not_folded(angry):
    source, target, _ = angry
    short = (area_ratios(source, target) - triangle_floors()).min()
    assert short >= -0.02, f"a skin triangle keeps {short:.2f} less than its floor"  # measured 0


def test_the_brows_keep_their_lowering(angry):
    source, target, raw = angry
    iod = float(interocular_distance(source[0]))
    lowered = (target[0, BROWS, 1] - source[0, BROWS, 1]).mean() / iod
    wanted = raw[0, BROWS, 1].mean() / iod
    assert wanted > 0.04  # angry 1.5 asks for a clear lowering (measured 0.051-0.052 IOD)
    assert lowered > 0.9 * wanted, f"brows lowered {lowered:.3f} IOD of the {wanted:.3f} directed"  # measured 0.048 (93 %)

