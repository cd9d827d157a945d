"""Every period of the 2022 《信访工作条例》, with its article: the one table of the numbers.

``domain.deadlines`` counts them on the calendar (days, or working days); acts and queries ask
it. The periods the regulation leaves open are set in ``domain.acts.Rules`` and named here by
the field that holds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Period:
    """A period: its length in days (or working days), its article, or the rule that sets it."""

    name: str
    days: int  # the regulation's number; for a configurable period, the default of its rule
    article: str
    working_days: bool = False
    rule: str | None = None  # the ``Rules`` field that sets it when the regulation does not

    def length(self, rules: Any) -> int:
        """The number of days counted under ``rules``."""
        return int(getattr(rules, self.rule)) if self.rule else self.days


# Art.22: a bureau transfers (or assigns) a matter within 15 days of receiving it.
TRANSFER = Period("transfer", 15, "第二十二条")
# Art.23: a unit petitioned directly tells the petitioner within 15 days how it proceeds.
INFORM = Period("inform", 15, "第二十三条")
# Art.23: the unit receiving a matter gives written notice of acceptance within 15 days.
ACCEPT = Period("accept", 15, "第二十三条")
# Art.23: a unit may object to a matter that is not its business within 5 working days.
OBJECTION = Period("objection", 5, "第二十三条", working_days=True)
# Art.34: a 信访处理意见书 (path 6) within 60 days of acceptance ...
ANSWER = Period("answer", 60, "第三十四条")
# ... extended, with reasons told to the petitioner, by at most 30 days in all.
EXTENSION = Period("extension", 30, "第三十四条")
# The regulation sets no number for the other answers (domain.md §3): configured, 60 days in
# practice, and cited as the answer period of Art.34 like the path-6 one.
SUGGESTION_ANSWER = Period("suggestion_answer", 60, "第三十四条", rule="suggestion_days")
ACCUSATION_ANSWER = Period("accusation_answer", 60, "第三十四条", rule="accusation_days")
PATH5_ANSWER = Period("path5_answer", 60, "第三十四条", rule="path5_days")
# Art.35: 30 days from receiving the opinion to ask for a review; 30 days to review.
REVIEW_REQUEST = Period("review_request", 30, "第三十五条")
REVIEW = Period("review", 30, "第三十五条")
# Art.36: 30 days from receiving the review to ask for a recheck; 30 days to recheck
# (hearing days not counted).
RECHECK_REQUEST = Period("recheck_request", 30, "第三十六条")
RECHECK = Period("recheck", 30, "第三十六条")
# Art.40 sets no period to answer a recommendation; the 2005 rules had 30 days.
RECOMMENDATION_ANSWER = Period(
    "recommendation_answer", 30, "第四十条", rule="recommendation_answer_days"
)

PERIODS: tuple[Period, ...] = (
    TRANSFER,
    INFORM,
    ACCEPT,
    OBJECTION,
    ANSWER,
    EXTENSION,
    SUGGESTION_ANSWER,
    ACCUSATION_ANSWER,
    PATH5_ANSWER,
    REVIEW_REQUEST,
    REVIEW,
    RECHECK_REQUEST,
    RECHECK,
    RECOMMENDATION_ANSWER,
)
