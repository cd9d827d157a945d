"""单位名录 over HTTP: read the directory; administrators register units, change superiors,
record which unit has management authority (管理权限) over a unit, and record mergers (each a
recorded event, so past routing stays explainable)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import Field

from domain import access
from domain.acts import Actor
from domain.errors import MESSAGES, not_found
from domain.units import Directory, UnitKind, UnitRecord
from gateways.http.deps import Caller, Service, allowed_to
from gateways.http.errors import error_responses
from gateways.http.schemas import AuthorityIn, MergeIn, ResponseBody, SuperiorIn, UnitIn

router = APIRouter(prefix="/api/v1/units", tags=["单位 units"])

Admin = Annotated[Actor, Depends(allowed_to(access.Duty.MANAGE_DIRECTORY))]
UnitId = Annotated[str, Path(description="单位编号 unit id", examples=["330106-bureau"])]


class UnitView(ResponseBody):
    unit_id: str = Field(examples=["330106-bureau"])
    name: str = Field(examples=["西湖区信访局"])
    kind: str = Field(examples=["petition_bureau"])
    tier: str = Field(examples=["county"])
    division_code: str = Field(examples=["330106000000"])
    jurisdiction: str = Field(examples=["330106"])
    superior_id: str | None
    successor_id: str | None
    authority_id: str | None = Field(
        description="管理权限：名录记载的管理单位（null：其上一级机关）", examples=["3301-gov"]
    )
    discipline_inspection_id: str | None = Field(
        description="受理对该单位检举控告的纪检监察机关 (Art.22, 30)", examples=["3301-di"]
    )
    active: bool
    current_unit_id: str = Field(description="撤并后承继的单位 the unit answering for it now")


def unit_view(record: UnitRecord, directory: Directory) -> dict[str, Any]:
    view = record.as_dict()
    view["jurisdiction"] = record.jurisdiction
    view["active"] = record.active
    view["current_unit_id"] = directory.current(record.unit_id).unit_id
    inspection = directory.discipline_inspection_for(record.unit_id)
    view["discipline_inspection_id"] = inspection.unit_id if inspection else None
    return view


def _found(directory: Directory, unit_id: str) -> UnitRecord:
    record = directory.find(unit_id)
    if record is None:
        raise not_found("UNKNOWN_UNIT", MESSAGES["UNKNOWN_UNIT"], unit_id=unit_id)
    return record


@router.get(
    "",
    response_model=list[UnitView],
    summary="单位名录 the directory",
    responses=error_responses(401, 422),
)
def list_units(
    actor: Caller,
    service: Service,
    prefix: Annotated[
        str | None, Query(pattern=r"^\d{0,12}$", description="区划代码前缀 division-code prefix")
    ] = None,
    kind: Annotated[UnitKind | None, Query(description="单位类型")] = None,
    active: Annotated[bool | None, Query(description="仅现存（未撤并）单位")] = None,
) -> Any:
    directory = service.directory
    records = [
        r
        for r in directory
        if (prefix is None or r.division_code.startswith(prefix))
        and (kind is None or r.kind is kind)
        and (active is None or r.active is active)
    ]
    records.sort(key=lambda r: (r.division_code, r.unit_id))
    return [unit_view(r, directory) for r in records]


@router.get(
    "/{unit_id}",
    response_model=UnitView,
    summary="单位详情 one unit",
    responses=error_responses(401, 404, 422),
)
def get_unit(unit_id: UnitId, actor: Caller, service: Service) -> Any:
    directory = service.directory
    return unit_view(_found(directory, unit_id), directory)


@router.post(
    "",
    status_code=201,
    response_model=UnitView,
    summary="登记单位 register a unit (admin)",
    responses=error_responses(401, 403, 422),
)
def register_unit(body: UnitIn, actor: Admin, service: Service) -> Any:
    record = UnitRecord(
        body.unit_id,
        body.name,
        body.kind,
        body.division_code,
        body.superior_id,
        authority_id=body.authority_id,
    )
    service.register_units([record], actor)
    directory = service.directory
    return unit_view(directory.get(record.unit_id), directory)


@router.post(
    "/{unit_id}/superior",
    response_model=UnitView,
    summary="变更上一级机关 change a unit's superior (admin)",
    responses=error_responses(401, 403, 404, 422),
)
def change_superior(unit_id: UnitId, body: SuperiorIn, actor: Admin, service: Service) -> Any:
    _found(service.directory, unit_id)
    service.change_superior(unit_id, body.superior_id, actor)
    directory = service.directory
    return unit_view(directory.get(unit_id), directory)


@router.post(
    "/{unit_id}/authority",
    response_model=UnitView,
    summary="记载管理权限 record which unit manages a unit's leadership (admin, Art.22)",
    responses=error_responses(401, 403, 404, 422),
)
def set_authority(unit_id: UnitId, body: AuthorityIn, actor: Admin, service: Service) -> Any:
    """Accusations against the unit go to the discipline inspection body of the managing
    unit's tier and area; null falls back to the unit's superior."""
    _found(service.directory, unit_id)
    service.set_authority(unit_id, body.authority_id, actor)
    directory = service.directory
    return unit_view(directory.get(unit_id), directory)


@router.post(
    "/{unit_id}/merge",
    response_model=UnitView,
    summary="撤并单位 merge a unit into its successor (admin, Art.24)",
    responses=error_responses(401, 403, 404, 422),
)
def merge_unit(unit_id: UnitId, body: MergeIn, actor: Admin, service: Service) -> Any:
    _found(service.directory, unit_id)
    service.merge_unit(unit_id, body.successor_id, actor)
    directory = service.directory
    return unit_view(directory.get(unit_id), directory)
