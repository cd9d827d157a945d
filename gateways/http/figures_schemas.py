"""The shapes of the assessment figures and the monthly bulletin over HTTP (``/docs`` reads
them): what ``projections.figures`` and ``projections.bulletin`` return, field by field."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Figure(BaseModel):
    """One figure: a rate and the counts it is made of."""

    label: str = Field(examples=["及时受理率"])
    numerator: int = Field(examples=[5])
    denominator: int = Field(examples=[8])
    rate: float | None = Field(
        description="numerator ÷ denominator (4 decimals); null when nothing fell in the period",
        examples=[0.625],
    )
    definition: str = Field(
        examples=["转送及时数÷（及时数+逾期转送数+超期未转送数），转送期限为收到之日起15日"]
    )
    parts: dict[str, int] = Field(
        description="the counts behind numerator and denominator",
        examples=[{"timely": 5, "late": 1, "overdue": 2, "overdue_carried": 1}],
    )


class KindFigures(BaseModel):
    """The duty and evaluation figures of petition bureaus, or of handling units."""

    timely_acceptance: Figure = Field(description="及时受理率: transfer (bureaus) or notice")
    on_time_completion: Figure = Field(description="按期办结率: answer within 60 (+ extension)")
    evaluation_rate: Figure = Field(description="参评率")
    satisfaction: Figure = Field(description="满意率")


class CaseFigures(BaseModel):
    """The area's own figures, by where matters arise (属地)."""

    registrations: int = Field(examples=[7])
    visits: int = Field(examples=[1])
    level_skipping: int = Field(description="越级访 registered in the period", examples=[1])
    repeat_rate: Figure = Field(description="重复信访率")
    backlog_start: int = Field(description="积案 at the close of the day before the period")
    backlog_end: int = Field(description="积案 at the close of the period")
    backlog_resolution: Figure = Field(description="积案化解率")
    leader_resolution: Figure = Field(description="包案化解率")


class PeriodOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from", examples=["2026-05-01"])
    to: str = Field(examples=["2026-05-31"])
    today: str = Field(examples=["2026-06-15"])
    judged_on: str = Field(description="the last day whose acts count", examples=["2026-05-31"])
    complete: bool = Field(description="false while the period still runs")


class AreaFigures(BaseModel):
    division: str = Field(examples=["330106001"])
    name: str | None = Field(examples=["转塘街道"])
    bureaus: KindFigures
    handling_units: KindFigures
    cases: CaseFigures


class UnitFigures(KindFigures):
    unit_id: str = Field(examples=["330106001-gov"])
    name: str = Field(examples=["转塘街道办事处"])
    kind: str = Field(description="bureau | handling_unit")
    kind_label: str = Field(examples=["承办单位"])
    area: str | None = Field(description="the area one tier down the unit belongs to")


class Figures(BaseModel):
    """The figures of an area and period, with the same per area one tier down and per unit."""

    division: str = Field(examples=["330106"])
    name: str | None = Field(examples=["西湖区"])
    tier: str = Field(examples=["县"])
    period: PeriodOut
    bureaus: KindFigures = Field(description="信访部门")
    handling_units: KindFigures = Field(description="承办单位")
    cases: CaseFigures
    by_area: list[AreaFigures] = Field(description="the areas one tier down (本级 excluded)")
    by_unit: list[UnitFigures] = Field(description="every unit of the area with figures")


class Counts(BaseModel):
    numerator: int
    denominator: int
    rate: float | None


class RankEntry(BaseModel):
    rank: int = Field(description="equal values share a rank", examples=[1])
    id: str = Field(examples=["330106002"])
    name: str = Field(examples=["双浦镇"])
    rates: dict[str, float | None] = Field(description="every figure the ranking orders by")
    primary: Counts = Field(description="the first of them")


class Ranking(BaseModel):
    label: str = Field(examples=["承办单位按期办结率"])
    order: list[str] = Field(examples=[["handling_units.on_time_completion"]])
    ranked: list[RankEntry]
    unranked: list[str] = Field(description="nothing fell due: listed, not ranked")
    best: list[RankEntry]
    worst: list[RankEntry]


class LateCase(BaseModel):
    """A late duty, with nothing about the petitioner."""

    case_id: str
    serial_number: str = Field(examples=["33010620260110957500"])
    division_code: str
    category: str
    category_label: str = Field(examples=["申诉求决类"])
    step: str = Field(examples=["answer"])
    step_label: str = Field(examples=["答复"])
    unit_id: str
    unit_name: str = Field(examples=["转塘街道办事处"])
    due_on: str
    done_on: str | None = Field(description="null: not done by the close")
    status_label: str = Field(examples=["超期未办"])
    days_late: int = Field(examples=[71])


class Bulletin(BaseModel):
    """月通报 as data (``?format=json``); accusations are left out of a circulated bulletin."""

    title: str = Field(examples=["西湖区信访工作月通报（2026年5月）"])
    division: str
    name: str
    month: str = Field(examples=["2026-05"])
    month_label: str = Field(examples=["2026年5月"])
    issuer: str | None = Field(examples=["西湖区信访局"])
    issued_on: str
    figures: Figures
    narrative: list[str]
    rankings: dict[str, Ranking] = Field(description="areas, bureaus, handling_units")
    late_cases: list[LateCase]
    notes: list[str]
