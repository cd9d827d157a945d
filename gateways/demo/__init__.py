"""A realistic demo: one city's units, its officials, and a few hundred cases at every stage."""

from gateways.demo.cases import DemoSummary, first_case, has_cases, seed_demo
from gateways.demo.directory import DEMO_OFFICIALS, DemoOfficial, demo_units

__all__ = [
    "DEMO_OFFICIALS",
    "DemoOfficial",
    "DemoSummary",
    "demo_units",
    "first_case",
    "has_cases",
    "seed_demo",
]
