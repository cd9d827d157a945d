"""What each demo matter says and who raised it: the registration, drawn from a seeded source.

Kept apart from the timelines (``gateways.demo.plans``): this module decides the facts a
registrar writes down (place, people, channel, text), that one decides what happens next.
"""

from __future__ import annotations

import random
from typing import Any

from gateways.demo import content
from gateways.demo.directory import COUNTIES, HOME_COUNTY, pad

CHANNEL_WEIGHTS = {"letter": 30, "visit": 20, "web": 25, "phone": 12, "wechat": 12, "fax": 1}


def place(rng: random.Random) -> tuple[str, str]:
    """A division code where the matter arose (mostly a village), and its county."""
    weights = [2 if c.code == HOME_COUNTY else 1 for c in COUNTIES]
    county = rng.choices(COUNTIES, weights)[0]
    township = rng.choice(county.townships)
    if rng.random() < 0.8:
        return f"{township.code}{rng.randint(1, len(township.villages)):03d}", county.code
    return pad(township.code), county.code


def names_of(rng: random.Random, code: str) -> dict[str, str]:
    county = next(c for c in COUNTIES if code.startswith(c.code))
    township = next(t for t in county.townships if code.startswith(t.code))
    if code[9:] != "000":
        village = township.villages[int(code[9:]) - 1]
    else:  # a matter of the township as a whole: name the street it concerns
        village = f"{rng.choice(content.ROADS)}沿线"
    return {"county": county.name, "township": township.name, "village": village}


def appeal(
    rng: random.Random, code: str, names: dict[str, str], kind: str, category: str, flags: set[str]
) -> dict[str, Any]:
    """An ordinary matter (申诉求决 or 建议意见), shaped by its flags: a collective visit, a
    joint letter, an anonymous letter, a visit to a higher bureau."""
    matter = content.MATTERS[kind]
    channel = rng.choices(tuple(CHANNEL_WEIGHTS), tuple(CHANNEL_WEIGHTS.values()))[0]
    if flags & {"level_skipping", "collective"}:
        channel = "visit"
    elif "joint_letter" in flags:
        channel = "letter"
    elif "anonymous" in flags or ("direct" in flags and channel not in ("visit", "web")):
        channel = rng.choice(("letter", "web"))
    address = f"浙江省杭州市{names['county']}{names['township']}{names['village']}"
    if code[9:] == "000":
        address = address.removesuffix("沿线") + f"{rng.randint(1, 300)}号"
    text = content.context(rng, **names, name="匿名群众")
    petitioners: list[dict[str, str]] = []
    people, representatives, signatures = 1, 0, 0
    if "anonymous" not in flags:
        petitioners = [content.person(rng, code, address)]
        text["name"] = petitioners[0]["name"]
        if "collective" in flags:
            representatives = rng.randint(1, 5)  # Art.20: at most five representatives
            others = representatives - 1
            petitioners += [content.person(rng, code, address) for _ in range(others)]
            people = rng.randint(10, 50)
        elif "joint_letter" in flags:
            signatures = people = rng.randint(20, 80)  # a joint letter is not capped
            petitioners += [content.person(rng, code, address) for _ in range(2)]
    which = rng.randrange(len(matter.subjects))  # subjects and contents go in pairs
    return {
        "channel": channel,
        "category": category,
        "division_code": code,
        "subject": content.fill(matter.subjects[which], text),
        "content": content.fill(matter.contents[which], text),
        "matter_kind": kind,
        "petitioners": petitioners,
        "anonymous": "anonymous" in flags,
        "people_count": people,
        "representatives": representatives,
        "signatures": signatures,
        "major": "collective" in flags and people >= 30,
    }


def channelled(
    rng: random.Random, code: str, names: dict[str, str], channel: str
) -> dict[str, Any]:
    """A matter for a court, an arbitration board or administrative review (Art.28, 31)."""
    subject, body, kind, _ = content.CHANNELLED[channel]
    petitioner = content.person(rng, code, f"浙江省杭州市{names['county']}{names['township']}")
    text = content.context(rng, **names, name=petitioner["name"])
    return {
        "channel": rng.choice(("letter", "visit", "web")),
        "category": "appeal",
        "division_code": code,
        "subject": content.fill(subject, text),
        "content": content.fill(body, text),
        "matter_kind": kind,
        "petitioners": [petitioner],
    }


def accusation(rng: random.Random, code: str, names: dict[str, str]) -> dict[str, Any]:
    """An accusation against officials of the township government where ``code`` lies."""
    subject, body = rng.choice(content.ACCUSATIONS)
    anonymous = rng.random() < 0.4
    address = f"浙江省杭州市{names['county']}{names['township']}"
    petitioners = [] if anonymous else [content.person(rng, code, address)]
    name = petitioners[0]["name"] if petitioners else "匿名群众"
    text = content.context(rng, **names, name=name)
    return {
        "channel": rng.choice(("letter", "web")),
        "category": "accusation",
        "division_code": code,
        "subject": content.fill(subject, text),
        "content": content.fill(body, text),
        "matter_kind": "accusation",
        "petitioners": petitioners,
        "anonymous": anonymous,
        "accused_unit_id": f"{code[:9]}-gov",
        "accused_persons": [text["accused"]],
    }
