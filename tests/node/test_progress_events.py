"""Progress event contents."""

from __future__ import annotations

from ned_node.progress_events import STAGES, progress_content


def test_progress_contents_are_never_negative():
    assert progress_content("render", 2, 5, fps=-0.0, eta_s=-1e-9) == {
        "stage": "render", "frames_done": 2, "frames_total": 5, "fps": 0.0, "eta_s": 0.0}
    assert progress_content("queued", 0, 5)["eta_s"] is None


def test_every_pipeline_stage_has_a_protocol_name():
    from ned_protocol.messages import STAGES as PROTOCOL_STAGES

    assert set(STAGES.values()) <= set(PROTOCOL_STAGES)
    assert STAGES["fit"] == "face3d" and STAGES["analysis"] == "analysis" and STAGES["render"] == "render"
