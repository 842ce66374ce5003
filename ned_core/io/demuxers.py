"""Which FFmpeg demuxers may read a movie: only those that read the one file they are given.

Some demuxers open other paths named inside the file: ``concat``/``ffconcat`` lists, ``hls`` and ``dash``
playlists, ``image2`` patterns, ``tee``. A "movie" that is such a list would let a client reach files (or URLs)
outside the folders a node confines its inputs to. The decision is made on the demuxer FFmpeg actually chose
(``container.format.name``, which FFmpeg picks from the file's content), never on the file name's extension.
Network protocols are refused too (``protocol_whitelist=file``), so a playlist cannot fetch a URL while it is
being probed.
"""

from __future__ import annotations

from pathlib import Path

import av

from ned_core.exceptions import DemuxerNotAllowedError, UnsupportedFormatError
from ned_core.io.confined import readable_input

#: Demuxers (``container.format.name``) that read only the file given: movie containers and raw video streams.
SINGLE_FILE_DEMUXERS = frozenset({
    "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "mxf", "avi", "mpegts", "mpeg", "mpegvideo", "m4v",
    "h264", "hevc", "mjpeg", "dnxhd", "yuv4mpegpipe", "ivf", "nut", "dv", "asf", "flv", "ogg", "gif", "apng",
})
#: Options every movie is opened with: local files only (a playlist cannot fetch a URL).
OPEN_OPTIONS = {"protocol_whitelist": "file"}

av.logging.set_level(None)  # FFmpeg's own stderr lines would surround our one-line errors (they name the file)


def open_movie_container(path: Path | str, **kwargs) -> av.container.InputContainer:
    """``av.open(path)`` for reading, refused unless FFmpeg picked a single-file demuxer.

    Raises:
        DemuxerNotAllowedError: the file is a list, playlist or pattern that names other files.
        av.error.FFmpegError, OSError: FFmpeg cannot open the file at all.
    """
    with readable_input(path) as readable:  # a confined process (render node worker) re-checks it now
        container = av.open(readable, options=OPEN_OPTIONS, **kwargs)
    name = container.format.name
    if name not in SINGLE_FILE_DEMUXERS:
        container.close()
        raise DemuxerNotAllowedError(
            f"{path}: FFmpeg reads this file with the {name!r} demuxer, which opens other files named inside it "
            f"(a list, playlist or pattern); only movie files that hold their own frames are read")
    return container


def check_single_file(path: Path | str) -> None:
    """Refuses a movie a single-file demuxer does not read (for decoders that cannot say which one they use).

    Raises:
        DemuxerNotAllowedError: as :func:`open_movie_container`.
        UnsupportedFormatError: FFmpeg cannot open the file.
    """
    try:
        open_movie_container(path).close()
    except (av.error.FFmpegError, OSError) as exc:
        raise UnsupportedFormatError(f"{path}: FFmpeg cannot open the movie: {exc}") from exc
