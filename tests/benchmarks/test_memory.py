"""benchkit.memory.child_peak_rss_mb: a child command's own peak RSS, not this process's."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from benchkit.memory import child_peak_rss_mb, current_rss_mb

TOUCH = "import numpy as np; a = np.ones({mb} << 20, np.uint8); print(int(a.sum()))"


def test_child_peak_counts_what_the_child_touched_and_not_what_this_process_holds():
    held = np.ones(400 << 20, np.uint8)  # this process's RSS is far above the small child's
    assert current_rss_mb() > 400
    small = child_peak_rss_mb([sys.executable, "-c", TOUCH.format(mb=1)])
    big = child_peak_rss_mb([sys.executable, "-c", TOUCH.format(mb=300)])
    assert small < 300 and held.sum() > 0
    assert 300 < big < small + 400  # the 300 MB the child touched, over its interpreter's own size
    assert big - small > 250


def test_a_failing_child_raises_with_its_stderr():
    with pytest.raises(subprocess.CalledProcessError) as err:
        child_peak_rss_mb([sys.executable, "-c", "import sys; sys.exit('the render failed')"])
    assert err.value.returncode == 1 and b"the render failed" in err.value.stderr
