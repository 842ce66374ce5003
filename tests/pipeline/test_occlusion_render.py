"""The occlusion mask never eats a clean face: a speaking actor (mouth opening and closing, the edit widening it)
keeps every plate whole, as with the mask turned off."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import OpenImageIO as oiio

from ned_core.io.exr import read_face_plate


def test_a_speaking_actor_keeps_the_whole_edit(tmp_path, actor_pattern, render, ned_config):
    summary = render(actor_pattern, tmp_path / "on", emotion="surprised")
    off = replace(ned_config, composite=replace(ned_config.composite, occlusion=None))
    plain = render(actor_pattern, tmp_path / "off", config=off, emotion="surprised")
    for with_mask, without in zip(summary.plates, plain.plates):
        spec = oiio.ImageInput.open(str(with_mask)).spec()
        assert spec.getattribute(f"ned/occlusion/{summary.track}") is None, with_mask
        a, b = read_face_plate(with_mask)[0], read_face_plate(without)[0]
        assert np.array_equal(a.rgba[..., 3], b.rgba[..., 3]), with_mask
