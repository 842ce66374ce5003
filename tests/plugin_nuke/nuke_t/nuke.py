"""The ``nuke`` module as ``nuke -t`` gives it to a script file: the strict fake, in terminal mode (no UI).

Put this folder on PYTHONPATH of a subprocess that runs ``plugin_nuke/ned_nuke/farm.py`` as a file; the faked
version is ``$NED_FAKE_NUKE_VERSION`` (default 17). As Nuke does (Foundry, "Using the Command-line"), a last
argument that is a number or a frame range is kept out of ``sys.argv``; ``nuke.rawArgs`` has every argument.
"""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "fakes"))

import fake_nuke  # noqa: E402

fake_nuke.reset(gui=False, version=int(os.environ.get("NED_FAKE_NUKE_VERSION", "17")))
fake_nuke.rawArgs = ["/usr/local/Nuke/Nuke", "-t", *sys.argv]
if len(sys.argv) > 1 and re.fullmatch(r"-?\d+([-,:x]-?\d+)*", sys.argv[-1]):
    del sys.argv[-1]  # Nuke takes it as the frame range of the session
sys.modules[__name__] = fake_nuke
