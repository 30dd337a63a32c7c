"""What the gamma0 studies (``mlp-study``, ``cnn-study``) share about their parts: an id ends in
``_g<gamma0>``, and the rest of it names the configuration whose lazy and rich runs compare."""

from __future__ import annotations

from typing import Any

__all__ = ["config_key", "gamma0_of", "by_configuration"]


def config_key(pid: str) -> str:
    """The configuration of a part: its id less the gamma0."""
    return pid.rsplit("_g", 1)[0]


def gamma0_of(pid: str) -> float:
    """The gamma0 of a part, read back from its id."""
    return float(pid.rsplit("_g", 1)[1])


def by_configuration(data: dict[str, dict[str, Any]]) -> dict[str, list[tuple[float, dict[str, Any]]]]:
    """The parts' data grouped by configuration, each group as ``(gamma0, data)`` by gamma0."""
    groups: dict[str, list[tuple[float, dict[str, Any]]]] = {}
    for pid, d in data.items():
        groups.setdefault(config_key(pid), []).append((gamma0_of(pid), d))
    return {k: sorted(v, key=lambda p: p[0]) for k, v in groups.items()}
