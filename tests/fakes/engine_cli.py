"""Stand-ins of render-farm engine CLIs (``deadline``, ``deadlinecommand``): executables that record their argv.

The real ones cannot run here (Deadline Cloud needs AWS, Deadline 10 a repository). A stand-in appends its
command line to ``<folder>/calls.json`` and prints ``submitted job-0123``; ``deadline`` first runs the real
``openjd check`` on the bundle it is given (a bundle it could not submit fails there). ``gate``: a file the
stand-in waits for before it answers (to see that a caller does not wait for it).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

_CHECK_BUNDLE = "subprocess.run(['openjd', 'check', sys.argv[-1] + '/template.yaml'], check=True)\n"


def install_engine_clis(folder: Path, gate: Path | None = None) -> Path:
    """Writes ``deadline`` and ``deadlinecommand`` into ``folder``; returns the folder (put it first on PATH)."""
    folder.mkdir(parents=True, exist_ok=True)
    wait = (f"for _ in range(3000):\n    if os.path.exists({str(gate)!r}):\n        break\n    time.sleep(0.02)\n"
            if gate else "")  # at most 60 s
    for name, check in (("deadline", _CHECK_BUNDLE), ("deadlinecommand", "")):
        script = folder / name
        script.write_text(f"#!{sys.executable}\nimport json, os, subprocess, sys, time\n{wait}{check}"
                          f"calls = {str(folder / 'calls.json')!r}\n"
                          "seen = json.load(open(calls)) if os.path.exists(calls) else []\n"
                          "json.dump(seen + [[os.path.basename(sys.argv[0])] + sys.argv[1:]], open(calls, 'w'))\n"
                          "print('submitted job-0123')\n")
        script.chmod(0o755)
    return folder


def engine_calls(folder: Path) -> list[list[str]]:
    """The command lines the stand-ins in ``folder`` were run with (name first), in order."""
    return json.loads((folder / "calls.json").read_text())
