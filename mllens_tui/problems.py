"""Located problems in input files, collected so that one report lists them all."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """What is wrong (``message``), in which file (``source``) and where in it (``where``).

    ``where`` is a key path such as ``questions[3].weight`` or ``answers.MLOE-01.level``,
    or a "line L, column C" position for syntax errors.
    """

    source: str
    where: str
    message: str

    def __str__(self) -> str:
        location = f"{self.source}: {self.where}" if self.where else self.source
        return f"{location}: {self.message}"


# Messages of a file that could not be opened at all, as the readers word them.
UNREADABLE = frozenset({"no such file", "no such file or folder"})


class InputError(Exception):
    """An input file (lens, snapshot) is not valid. Carries every problem found."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], what: str = "input") -> None:
        self.problems = tuple(problems)
        self.what = what
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        if all(
            p.message in UNREADABLE or p.message.startswith("cannot be read") for p in self.problems
        ):
            # A file that is not there was never checked: "not valid" would send the reader
            # looking for a mistake inside it.
            lines = [f"{self.what} cannot be read:"]
        else:
            lines = [f"{self.what} is not valid ({count} {noun}):"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class Collector:
    """Accumulates problems for one source file; validators call ``add`` and go on."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.source, where, message))

    def __bool__(self) -> bool:
        return bool(self.problems)
