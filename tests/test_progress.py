"""StageTimer turns frame counts into fps / ETA events."""

from ned_core.progress import StageTimer


def test_stage_timer_fps_eta_and_final_event():
    t = [0.0]
    events = []
    timer = StageTimer("render", total=10, callback=events.append, min_interval=1.0, clock=lambda: t[0])
    for _ in range(10):
        t[0] += 0.5  # 2 frames/s
        timer.step()
    assert events[-1].done == 10 and events[-1].eta_s == 0
    assert abs(events[-1].fps - 2.0) < 1e-9
    mid = [e for e in events if e.done == 5]
    assert not mid or abs(mid[0].eta_s - 2.5) < 1e-9
    assert len(events) < 10  # rate-limited
