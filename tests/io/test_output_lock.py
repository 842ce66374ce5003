"""One writer per output folder, between real processes; the lock dies with its owner."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import pytest

from ned_core.exceptions import OutputFolderBusyError
from ned_core.io.output_lock import LOCK_NAME, output_folder_lock

HOLD = textwrap.dedent("""
    import sys, time
    from ned_core.io.output_lock import output_folder_lock
    with output_folder_lock(sys.argv[1]):
        print("held", flush=True)
        time.sleep(60)
""")


def _holder(folder):
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(folder)], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_second_writer_is_refused_while_the_first_holds_the_folder(tmp_path):
    folder = tmp_path / "v1"
    holder = _holder(folder)
    try:
        with pytest.raises(OutputFolderBusyError, match="another render is writing into this folder"):
            with output_folder_lock(folder):
                pass
    finally:
        holder.kill()
        holder.wait()


def test_the_lock_dies_with_its_owner_even_after_kill_9(tmp_path):
    folder = tmp_path / "v1"
    holder = _holder(folder)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert (folder / LOCK_NAME).exists()  # left behind, but no longer held
    with output_folder_lock(folder):
        (folder / "a.exr").write_bytes(b"x")
    assert sorted(p.name for p in folder.iterdir()) == ["a.exr"]  # the holder removes the file when done


def test_a_folder_created_for_a_render_that_wrote_nothing_is_removed(tmp_path):
    with output_folder_lock(tmp_path / "empty"):
        pass
    assert not (tmp_path / "empty").exists()
    (tmp_path / "kept").mkdir()
    with output_folder_lock(tmp_path / "kept"):
        pass
    assert (tmp_path / "kept").is_dir() and not list((tmp_path / "kept").iterdir())


def test_folders_created_for_a_render_that_failed_are_removed(tmp_path):
    (tmp_path / "kept").mkdir()
    with pytest.raises(RuntimeError, match="bad input"):
        with output_folder_lock(tmp_path / "kept" / "shot" / "plates"):
            raise RuntimeError("bad input")
    assert (tmp_path / "kept").is_dir() and not list((tmp_path / "kept").iterdir())
    with pytest.raises(RuntimeError):
        with output_folder_lock(tmp_path / "kept" / "done"):
            (tmp_path / "kept" / "done" / "a.0001.exr").write_bytes(b"plate")
            raise RuntimeError("failed after a plate")
    assert [p.name for p in (tmp_path / "kept" / "done").iterdir()] == ["a.0001.exr"]  # written work stays
