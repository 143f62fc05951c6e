"""Trust levels of materials (国办函〔2016〕108号, the "Internet + government services"
technical guide).

- **A**: issued or confirmed by the authoritative source itself (an electronic licence
  from the licence library); reusable everywhere.
- **B**: checked by a clerk against the original (for instance the original posted in
  the booth's locker); reusable for later cases.
- **C**: submitted by the applicant (a photo taken by the document camera) and not yet
  checked; good for this case only.

A capture at the booth starts at level C; a clerk's check raises it to B.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from kiosk.core.text import Text


class TrustLevel(Enum):
    A = "A"
    B = "B"
    C = "C"

    @property
    def label(self) -> Text:
        return TRUST_NAMES[self]

    @property
    def reusable(self) -> bool:
        """Whether a later case may use the material without asking for it again."""
        return self is not TrustLevel.C


TRUST_NAMES: dict[TrustLevel, Text] = {
    TrustLevel.A: Text("权威来源", "Authoritative source", "權威來源"),
    TrustLevel.B: Text("已核验原件", "Checked against the original", "已核驗原件"),
    TrustLevel.C: Text("申请人提交", "Submitted by the applicant", "申請人提交"),
}


@dataclass(frozen=True, slots=True)
class SubmittedMaterial:
    """A material as a case holds it: which one, how trusted, and who checked it."""

    code: str  # the catalog material code
    level: TrustLevel = TrustLevel.C
    checked_by: str | None = None  # the clerk who compared it with the original

    def verified_by(self, clerk: str) -> SubmittedMaterial:
        """The same material after ``clerk`` checked it against the original: level B.

        An A-level material stays A: a clerk's check cannot lower it.
        """
        if not clerk:
            raise ValueError("a check needs the clerk's id")
        level = TrustLevel.A if self.level is TrustLevel.A else TrustLevel.B
        return replace(self, level=level, checked_by=clerk)
