"""The ``nuke`` module as ``nuke -t`` gives it to a script file: the strict fake, in terminal mode (no UI).

Put this folder on PYTHONPATH of a subprocess that runs ``plugin_nuke/ned_nuke/farm.py`` as a file; the faked
version is ``$NED_FAKE_NUKE_VERSION`` (default 17).
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "fakes"))

import fake_nuke  # noqa: E402

fake_nuke.reset(gui=False, version=int(os.environ.get("NED_FAKE_NUKE_VERSION", "17")))
sys.modules[__name__] = fake_nuke
