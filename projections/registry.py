"""Every read model the runner feeds, in one list: the service, the workers, rebuilds and the
bench all take them from here."""

from __future__ import annotations

from projections.ledger import LedgerProjection
from projections.recommendations import RecommendationProjection
from projections.runner import Projection
from projections.supervision import SupervisionProjection
from projections.trail import TrailProjection


def all_projections() -> list[Projection]:
    """The ledger (whose tables the deadline warnings also read), the supervision roll-up, and
    the accountability trail (whose tables the assessment figures and the 三项建议 candidates
    read), and the 三项建议 issued and answered."""
    return [
        LedgerProjection(),
        SupervisionProjection(),
        TrailProjection(),
        RecommendationProjection(),
    ]
