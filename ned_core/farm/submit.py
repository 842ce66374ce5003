"""Hand exported job files to an engine's command-line tool, or say why not and how to do it by hand."""

from __future__ import annotations

import shlex
import shutil
import subprocess

from ned_core.exceptions import FarmSubmitError


def submit_or_explain(argv: list[str], tool: str, where: str, timeout_s: float = 300.0) -> str:
    """Run ``argv`` (the engine's submit command) and return what it printed.

    Args:
        tool: what provides ``argv[0]`` and how to install it (for the message when it is missing).
        where: where the job files are (they stay written whatever happens here).

    Raises:
        FarmSubmitError: ``argv[0]`` is not on PATH, or the submission failed; the message says where the files
            are and gives the command to submit them by hand.
    """
    by_hand = shlex.join(argv)
    if shutil.which(argv[0]) is None:
        raise FarmSubmitError(f"{argv[0]} not found on PATH: install {tool}; {where}: submit it with `{by_hand}`")
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout_s, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise FarmSubmitError(f"`{by_hand}` failed ({e}); {where}") from e
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise FarmSubmitError(f"`{by_hand}` exited with status {done.returncode}: {' | '.join(tail)}; {where}")
    return done.stdout.strip()
