"""Every code people are shown has its one Chinese name in ``domain.labels``, and a stage reads
the same in the case view, the ledger and the dashboards."""

from __future__ import annotations

from domain import labels
from domain.case.state import Stage
from domain.case_events import CASE_EVENTS
from domain.classification import Category, Channel
from domain.deadlines import WARNING_LEVELS
from domain.faults import FaultKind
from domain.recommendations import RecommendationKind
from domain.repeats import Relation
from domain.units import Tier


def _codes(enum: type) -> set[str]:
    return {m.value for m in enum}


def test_every_code_of_the_domain_has_a_name() -> None:
    stages = {v for k, v in vars(Stage).items() if k.isupper()}
    assert set(labels.STAGE_LABELS) == stages
    assert set(labels.CATEGORY_LABELS) == _codes(Category)
    assert set(labels.CHANNEL_LABELS) == _codes(Channel)
    assert set(labels.TIER_LABELS) == _codes(Tier)
    assert set(labels.FAULT_LABELS) == _codes(FaultKind)
    assert set(labels.RECOMMENDATION_KIND_LABELS) == _codes(RecommendationKind)
    assert set(labels.REPEAT_RELATION_LABELS) == _codes(Relation)
    assert set(labels.WARNING_LABELS) == set(WARNING_LEVELS)
    assert set(labels.EVENT_LABELS) == {cls.__name__ for cls in CASE_EVENTS}


def test_a_case_waiting_at_a_bureau_reads_the_same_everywhere() -> None:
    assert labels.STAGE_LABELS[Stage.REGISTERED] == "已登记"
    assert labels.STAGE_LABELS[Stage.OBJECTION_PENDING] == "异议审核中"
    assert Tier.TOWNSHIP.label == labels.TIER_LABELS["township"] == "乡镇"
