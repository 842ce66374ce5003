"""An OpenCue job for a farm job: an outline built with pyoutline (Shell layers), serialised to CJSL XML.

Layers: ``analysis`` (one frame), ``render`` (the shot's frames, ``chunk_size`` a frame task; the command's
``#FRAME_START#-#FRAME_END#`` tokens are filled in by Cuebot) waiting for ``analysis`` (layer on layer), and
``preview`` / ``report`` waiting for ``render`` when asked. Commands are shell-quoted (RQD runs them through a shell).
OpenCue has no path mapping: workers must see the shot, plates and cache folders at the same paths.
"""

from __future__ import annotations

import os
import re
import shlex
import tempfile
from pathlib import Path

from ned_core.exceptions import FarmSubmitError
from ned_core.farm.commands import Tokens, analysis_command, finishing_commands, render_command
from ned_core.farm.job import FarmJob
from ned_core.io.atomic import atomic_path

FRAME_TOKENS = "#FRAME_START#-#FRAME_END#"
#: the OpenCue client libraries (PyPI; the `farm` extra)
INSTALL = "pip install opencue-pyoutline==1.37.0 opencue-pycue==1.37.0"


def _cue_name(text: str) -> str:
    """Cuebot accepts letters, digits and underscores in job and shot names."""
    return re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_") or "ned"


def build_outline(job: FarmJob, show: str, shot: str | None = None):
    """The pyoutline ``Outline`` of ``job`` (layers and dependencies as in the module docstring)."""
    try:
        from outline import Outline
        from outline.depend import DependType
        from outline.modules.shell import Shell
    except ImportError as e:
        raise FarmSubmitError(f"OpenCue's pyoutline is not installed ({e}): {INSTALL}") from e

    tokens = Tokens(job.source, job.out_dir, job.cache_dir, job.shot_frames, FRAME_TOKENS, "plain")

    def shell(argv: list[str]) -> list[str]:
        return [shlex.quote(a) for a in argv]

    ol = Outline(_cue_name(job.name), frame_range=job.shot_frames, show=_cue_name(show),
                 shot=_cue_name(shot or Path(job.source).name.split(".")[0]))
    analysis = Shell("analysis", command=shell(analysis_command(job, tokens)), range=str(job.first), chunk=1)
    render = Shell("render", command=shell(render_command(job, tokens)), range=job.shot_frames,
                   chunk=job.chunk_size)
    render.depend_on(analysis, DependType.LayerOnLayer)
    layers = [analysis, render]
    for name, argv in finishing_commands(job, tokens):
        finish = Shell(name, command=shell(argv), range=str(job.first), chunk=1)
        finish.depend_on(render, DependType.LayerOnLayer)
        layers.append(finish)
    for layer in layers:
        ol.add_layer(layer)
    return ol


def outline_xml(job: FarmJob, show: str, shot: str | None = None) -> str:
    """The job as Cuebot's job specification (CJSL XML), without the pycuerun wrapper.

    pyoutline sets up a session folder while serialising (``~/.opencue/sessions`` by default); the frame
    commands do not use it, so it goes to a temporary folder, removed afterwards.
    """
    ol = build_outline(job, show, shot)
    import outline
    from outline.cuerun import OutlineLauncher

    saved = outline.config.get("outline", "session_dir")
    with tempfile.TemporaryDirectory(prefix="ned-outline-") as sessions:
        outline.config.set("outline", "session_dir", sessions)
        try:
            return OutlineLauncher(ol, backend="cue").serialize(use_pycuerun=False)
        finally:
            outline.config.set("outline", "session_dir", saved)


def write_outline(job: FarmJob, path: str | Path, show: str, shot: str | None = None) -> Path:
    """Write the CJSL XML to ``path`` (atomically)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        tmp.write_text(outline_xml(job, show, shot), encoding="utf-8")
    return path


def cuebot_configured(host: str | None) -> bool:
    """A Cuebot to submit to: ``host`` (``--cuebot``), ``$CUEBOT_HOSTS`` or an OpenCue config file."""
    return bool(host or os.environ.get("CUEBOT_HOSTS") or os.environ.get("OPENCUE_CONFIG_FILE"))


def submit_outline(spec: Path, host: str | None) -> str:
    """Launch the written job specification on the configured Cuebot; returns the new job's names.

    Raises:
        FarmSubmitError: no Cuebot configured, the client is missing, or Cuebot refused the job (the file stays).
    """
    by_hand = f"set CUEBOT_HOSTS and run `python -c \"import opencue; opencue.api.launchSpec(open('{spec}').read())\"`"
    if not cuebot_configured(host):
        raise FarmSubmitError(f"no Cuebot configured (--cuebot HOST, $CUEBOT_HOSTS or $OPENCUE_CONFIG_FILE); the job "
                              f"is written to {spec}: {by_hand}")
    try:
        import opencue
    except ImportError as e:
        raise FarmSubmitError(f"OpenCue's pycue is not installed ({e}): {INSTALL}; the job is in {spec}") from e
    if host:
        opencue.Cuebot.setHosts([host])
    try:
        jobs = opencue.api.launchSpec(spec.read_text(encoding="utf-8"))
    except Exception as e:  # pycue raises grpc and Cue exceptions of many kinds
        raise FarmSubmitError(f"Cuebot refused or could not be reached ({type(e).__name__}: {e}); the job is in "
                              f"{spec}: {by_hand}") from e
    return ", ".join(str(j) for j in jobs)
