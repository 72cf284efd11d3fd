"""Limits on a lens, one set for the TOML loader and the AWS JSON importer.

They are those of the AWS custom lens format specification, so that a lens that loads
from TOML could also be written as an AWS lens, except questions per pillar: the AWS
format allows 20, but the ML Lens itself has 29 cost-optimization questions, so that limit
applies to imported JSON only.
"""

from __future__ import annotations

MAX_FILE_BYTES = 500 * 1024
MAX_PILLARS = 10
MAX_QUESTIONS_PER_PILLAR = 20
MAX_CHOICES_PER_QUESTION = 15
MAX_RULES_PER_QUESTION = 3
# The importer adds a 'default' rule to a question whose file has none, so a lens written
# from an import may have one more.
MAX_RULES_WITH_DEFAULT = MAX_RULES_PER_QUESTION + 1
MAX_ID_LENGTH = 128
# A risk-rule condition over 15 choices needs far less; the limit keeps parsing quick.
MAX_CONDITION_LENGTH = 10_000
# A file far beyond the size limit is refused before it is read at all.
READ_CEILING = 20 * MAX_FILE_BYTES
