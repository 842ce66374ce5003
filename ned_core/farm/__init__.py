"""Render farms: one shot as an analysis task, chunked render tasks and optional finishing tasks (preview movie,
eval report), exported for OpenJD (AWS Deadline Cloud), Deadline 10 and OpenCue; the tasks themselves
(``ned farm task ...``)."""
