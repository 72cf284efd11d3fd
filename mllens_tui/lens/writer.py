"""Write a lens as one TOML file in the format the TOML loader reads.

``load_lens`` of the written file gives back an equal lens with the same content hash, so
an AWS custom lens imported from JSON can be kept, read and edited as TOML content.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import MISSING, fields
from enum import Enum
from typing import TYPE_CHECKING

import tomli_w

from mllens_tui.lens.model import Lens

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_Table = dict[str, object]

# Everything but these fields is written under its own name, which is the loader's key
# name too: a field added to the model is written without a change here, and the round
# trip tests tell when the loader does not read it back.
_LENS_PARTS = frozenset({"pillars", "phases", "levels", "questions", "content_hash"})
_QUESTION_PARTS = frozenset({"choices", "risk_rules"})


def lens_to_toml(lens: Lens) -> str:
    """The lens as a single-file TOML lens: header keys, then ``[[pillars]]``,
    ``[[phases]]``, ``[[levels]]`` and ``[[questions]]`` with their choices and risk rules
    as ``[[questions.choices]]`` and ``[[questions.risk_rules]]``.

    Empty optional values are left out, as the loader reads a missing key as empty.
    """
    return "\n".join(_dump(header, table) for header, table in _tables(lens))


def _tables(lens: Lens) -> Iterator[tuple[str, _Table]]:
    yield "", _table(lens, skip=_LENS_PARTS)
    for pillar in lens.pillars:
        yield "pillars", _table(pillar)
    for phase in lens.phases:
        yield "phases", _table(phase)
    for level in lens.levels:
        yield "levels", _table(level)
    for question in lens.questions:
        table = _table(question, skip=_QUESTION_PARTS)
        if question.phase_2025 == question.phase:
            table.pop("phase_2025", None)  # the loader reads a missing phase_2025 as the phase
        yield "questions", table
        for choice in question.choices:
            yield "questions.choices", _table(choice)
        for rule in question.risk_rules:
            yield "questions.risk_rules", _table(rule)


def _table(item: DataclassInstance, skip: frozenset[str] = frozenset()) -> _Table:
    """The item's fields as TOML values; empty ones (``""``, ``()``, None) and those at their
    default (``scope = "workload"``) are left out."""
    table: _Table = {}
    for spec in fields(item):
        if not spec.init or spec.name in skip:
            continue
        value = getattr(item, spec.name)
        if spec.default is not MISSING and value == spec.default:
            continue
        value = _toml_value(value)
        if value not in ("", [], None):
            table[spec.name] = value
    return table


def _toml_value(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)  # "weight = 3", not "3.0": the loader reads either as a float
    return value


def _dump(header: str, table: _Table) -> str:
    # Each table holds only strings, numbers and arrays of strings, so tomli_w writes plain
    # ``key = value`` lines that can go under the header. Multi-line strings read better,
    # but tomli_w turns "\r\n" into "\n" in them, so a text with "\r" keeps the escapes.
    multiline = not any("\r" in text for text in _strings(table))
    body = tomli_w.dumps(table, multiline_strings=multiline)
    return f"[[{header}]]\n{body}" if header else body


def _strings(table: _Table) -> Iterator[str]:
    for value in table.values():
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            yield from (item for item in value if isinstance(item, str))
