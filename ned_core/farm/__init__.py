"""Render farms: one shot as an analysis task, chunked render tasks and an optional preview task, exported for
OpenJD (AWS Deadline Cloud), Deadline 10 and OpenCue; the tasks themselves (``ned farm task ...``)."""
