"""Reference data: countries (ISO 3166, Spanish and English), regions and the sector taxonomy."""

from __future__ import annotations

from fastapi import APIRouter

from services.directory import service
from services.directory.reference import REGIONS
from services.directory.schemas import CodesIn, CountryOut, RegionOut, SectorOut
from shared.app import Session
from shared.reference import sectors

router = APIRouter(tags=["reference"])


@router.get("/countries", response_model=list[CountryOut], summary="Every ISO 3166 country")
async def list_countries(session: Session) -> list[CountryOut]:
    return [CountryOut.model_validate(c) for c in await service.list_countries(session=session)]


@router.get("/regions", response_model=list[RegionOut], summary="Regions usable as target markets")
async def list_regions() -> list[RegionOut]:
    return [RegionOut(code=code, name_es=es, name_en=en) for code, (es, en) in REGIONS.items()]


@router.get(
    "/sectors",
    response_model=list[SectorOut],
    summary="The bilingual sector taxonomy: families (parent null) and their sectors",
)
async def list_sectors() -> list[SectorOut]:
    return [_sector(s) for s in sectors().values()]


@router.post(
    "/sectors/batch",
    response_model=list[SectorOut],
    summary="Sectors by code (for DataLoaders); unknown codes left out",
)
async def get_sectors(body: CodesIn) -> list[SectorOut]:
    known = sectors()
    return [_sector(known[c]) for c in dict.fromkeys(body.codes) if c in known]


def _sector(s) -> SectorOut:  # type: ignore[no-untyped-def]
    return SectorOut(
        code=s.code, parent=s.parent, name_es=s.name_es, name_en=s.name_en, hs_chapters=list(s.hs_chapters)
    )
