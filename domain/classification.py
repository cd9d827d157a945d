"""How a matter is raised and classified (Art.17, 28-32): channels, categories, the six paths."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """信、访、电、网、微 (Art.17 and local practice), plus fax."""

    LETTER = "letter"
    VISIT = "visit"
    PHONE = "phone"
    WEB = "web"
    WECHAT = "wechat"
    FAX = "fax"


class Category(StrEnum):
    SUGGESTION = "suggestion"  # 建议意见类 (Art.29)
    ACCUSATION = "accusation"  # 检举控告类 (Art.30)
    APPEAL = "appeal"  # 申诉求决类 (Art.31)


class Path(StrEnum):
    """The six paths of 申诉求决类 (Art.31)."""

    LITIGATION = "1"  # 诉讼、检察、公安程序
    ARBITRATION = "2"  # 仲裁
    PARTY_APPEAL = "3"  # 党员申诉、申请复审
    ADMINISTRATIVE = "4"  # 行政复议、裁决、确认、许可、处罚
    PERFORM_DUTY = "5"  # 依法履行职责或者答复
    OPINION = "6"  # 信访处理意见书, the only path with review and recheck

    @property
    def is_channelled(self) -> bool:
        """Paths 1-4 leave the petition system for their lawful procedure."""
        return self in (Path.LITIGATION, Path.ARBITRATION, Path.PARTY_APPEAL, Path.ADMINISTRATIVE)


class RouteChannel(StrEnum):
    """Where a bureau routes a matter out of ordinary handling (Art.22, 28, 31)."""

    POLITICAL_LEGAL = "political_legal"  # litigation letters -> same-tier political-legal organ
    ARBITRATION = "arbitration"
    PARTY_APPEAL = "party_appeal"
    ADMINISTRATIVE = "administrative"
    DISCIPLINE_INSPECTION = "discipline_inspection"  # accusations, by management authority

    @property
    def path(self) -> Path | None:
        return _ROUTE_PATH.get(self)


_ROUTE_PATH = {
    RouteChannel.POLITICAL_LEGAL: Path.LITIGATION,
    RouteChannel.ARBITRATION: Path.ARBITRATION,
    RouteChannel.PARTY_APPEAL: Path.PARTY_APPEAL,
    RouteChannel.ADMINISTRATIVE: Path.ADMINISTRATIVE,
}


class Outcome(StrEnum):
    """What a 信访处理意见书 (or review/recheck opinion) decides (Art.32)."""

    SUPPORTED = "supported"  # 支持
    EXPLAINED = "explained"  # 解释说明: reasonable, but no legal basis
    NOT_SUPPORTED = "not_supported"  # 不予支持
    # replies on other paths and categories
    PERFORMED = "performed"  # path 5: duty performed
    REPLIED = "replied"  # path 5, suggestions, accusations: a written reply


OPINION_OUTCOMES = frozenset({Outcome.SUPPORTED, Outcome.EXPLAINED, Outcome.NOT_SUPPORTED})


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    UNSATISFIED = "unsatisfied"


class Document(StrEnum):
    """Written opinions whose service starts a window for the petitioner."""

    ANSWER = "answer"
    REVIEW = "review"
    RECHECK = "recheck"
