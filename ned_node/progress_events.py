"""Contents of the protocol's progress events, and the pipeline's stage names in the protocol's words."""

from __future__ import annotations

#: Pipeline progress stage names -> the protocol's stage names.
STAGES = {"plates": "plates", "read": "plates", "analysis": "analysis", "fit": "face3d", "face3d": "face3d",
          "direct": "direct", "render": "render", "composite": "composite", "write": "write"}


def progress_content(stage: str, done: int, total: int, fps: float = 0.0, eta_s: float | None = None) -> dict:
    """A progress event's content (without seq)."""
    return {"stage": stage, "frames_done": done, "frames_total": total, "fps": max(0.0, float(fps)),
            "eta_s": None if eta_s is None else max(0.0, float(eta_s))}
