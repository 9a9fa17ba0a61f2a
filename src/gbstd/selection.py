"""Which rules run: ruff-style selectors, as ``[lint] select/ignore`` and ``--select/--ignore`` give them.

Its own module, below the rules and the engine: what a catalog's configuration selects also decides what
other commands hold against a record (:mod:`gbstd.rules.recheck`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gbstd.model.config import Config


@dataclass
class Selection:
    """Which rules run: ruff-style selectors (``ALL``, ``C``, ``C00``, ``C001``); the longest match wins."""

    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)

    def enabled(self, code: str) -> bool:
        def best(selectors: list[str]) -> int:
            lengths = [0 if s == "ALL" else len(s) for s in selectors if s == "ALL" or code.startswith(s)]
            return max(lengths, default=-1)

        chosen, dropped = best(self.select), best(self.ignore)
        return chosen >= 0 and chosen > dropped

    @classmethod
    def configured(cls, config: Config) -> Selection:
        """What the catalog's ``[lint]`` section selects."""
        return cls(select=list(config.lint.select), ignore=list(config.lint.ignore))
