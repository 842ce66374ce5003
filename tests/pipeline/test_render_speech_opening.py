"""Strong angry on the speaking actor: unfolding the pressed lips and lowered brows keeps the words.

The mouth opening of the result (re-analysed with the face mesh, inner-lip area) follows the source's.
"""

from __future__ import annotations

import numpy as np

from ned_core.analysis import analyze_shot
from ned_core.render.mouth_index import mouth_shape


def test_angry_at_1_5_keeps_the_mouth_opening(tmp_path, actor_pattern, analyse, render, read_back, analysis_config,
                                              mesh_models):
    source = analyse(actor_pattern).track.landmarks
    summary = render(actor_pattern, tmp_path / "plates", emotion="angry:1.5")
    frames = read_back(actor_pattern, summary)
    result = analyze_shot(((f.number, f.result_srgb) for f in frames), analysis_config, mesh_models).default()
    assert len(result.landmarks) == len(source)
    opening_src = np.array([mouth_shape(lm)[1] for lm in source])
    opening_res = np.array([mouth_shape(lm)[1] for lm in result.landmarks])
    pcc = np.corrcoef(opening_src, opening_res)[0, 1]
    # measured 0.88 (0.91 before angry's brows knit). The face mesh re-reads the whole face, so the brows alone move its
    # lip points (up to 1.4 px here): three brow variants whose renders have pixel-identical mouths read 0.88, 0.90 and
    # 0.91; the bound leaves room for that and still fails on a mouth that stops following the words.
    assert pcc >= 0.85, f"mouth-opening PCC {pcc:.3f}"
