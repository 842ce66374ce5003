"""Worker-side path mapping of farm tasks: ``$NED_PATH_MAP`` rules applied to a task's path arguments.

OpenJD maps its ``PATH`` job parameters itself and the Deadline 10 plugin applies the repository's mapping; OpenCue
has none. A worker that mounts the shared storage elsewhere than the submitting machine sets::

    NED_PATH_MAP="/mnt/submitter/shows=/shows;/Volumes/cache=/mnt/cache"

(``FROM=TO`` rules separated by ``;``; the longest ``FROM`` that is a whole-folder prefix of a path wins), and
``ned farm task ...`` rewrites its source, plates, cache and other path options before it opens them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import PurePosixPath

from ned_core.exceptions import FarmJobError

ENV = "NED_PATH_MAP"


@dataclass(frozen=True)
class PathRule:
    """Paths under ``source`` (a folder, as the submitting machine sees it) are under ``destination`` here."""

    source: str
    destination: str


def parse_rules(text: str) -> tuple[PathRule, ...]:
    """The rules of a ``$NED_PATH_MAP`` value, longest ``source`` first.

    Raises:
        FarmJobError: a rule is not ``FROM=TO`` with two absolute paths.
    """
    rules = []
    for item in (part.strip() for part in text.split(";")):
        if not item:
            continue
        source, sep, destination = item.partition("=")
        source, destination = source.strip().rstrip("/") or "/", destination.strip().rstrip("/") or "/"
        if not sep or not source.startswith("/") or not destination.startswith("/"):
            raise FarmJobError(f"${ENV}: {item!r} is not FROM=TO with two absolute folders (rules separated by "
                               "';', e.g. /mnt/submitter/shows=/shows)")
        rules.append(PathRule(source, destination))
    return tuple(sorted(rules, key=lambda rule: len(rule.source), reverse=True))


def map_path(path: str, rules: tuple[PathRule, ...]) -> str:
    """``path`` with the first matching rule's folder replaced (unchanged when none matches)."""
    for rule in rules:
        if PurePosixPath(path).is_relative_to(rule.source):
            return str(PurePosixPath(rule.destination) / PurePosixPath(path).relative_to(rule.source))
    return path


def environment_rules() -> tuple[PathRule, ...]:
    """The rules of ``$NED_PATH_MAP`` (none when it is unset or empty)."""
    return parse_rules(os.environ.get(ENV, ""))
