"""Starts the script in the right mode: inside Resolve (dialog) or from a shell (flags)."""

from __future__ import annotations

import sys
from typing import Any, Dict


def launch(script_globals: Dict[str, Any]) -> int:
    """Inside Resolve the Scripts menu injects ``resolve``, ``fusion`` and ``bmd``; outside, the scripting
    module ``DaVinciResolveScript`` (see Resolve's scripting README for RESOLVE_SCRIPT_API) connects."""
    from .main import analyse_faces, main

    if script_globals.get("resolve") is not None:
        from .dialog import ask

        resolve, fusion, bmd = script_globals["resolve"], script_globals["fusion"], script_globals["bmd"]
        return main(resolve, ask=lambda: ask(fusion, bmd, lambda node: analyse_faces(resolve, node)))
    import DaVinciResolveScript

    resolve = DaVinciResolveScript.scriptapp("Resolve")
    if resolve is None:
        print("NED: Resolve is not running (or external scripting is off: Preferences → General)", file=sys.stderr)
        return 1
    return main(resolve, sys.argv[1:])
