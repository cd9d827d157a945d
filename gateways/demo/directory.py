"""The demo city's units: 浙江省 › 杭州市 › three districts › their 街道/镇 › 社区/村.

The division codes follow the statistical scheme (2/4/6/9/12 digits) and the names are
plausible; the set is small enough to read and large enough to show every tier at work.
Superiors follow the review chains of the regulation: a township government and a county
department are reviewed by the county government, the county government by the city
government, the city government by the province government; a village committee answers to
its township government and is never anyone's superior (Art.2). Management authority (管理权限)
is the superior's, except for a district's 分局, which the city manages: accusations against
them go to the city's discipline inspection, against the rest of a district to the district's.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.units import UnitKind, UnitRecord

PROVINCE_CODE = "330000000000"
CITY_CODE = "330100000000"

# Departments present at county and city tier: (suffix, county name, city name). The suffix
# is also the key that the case generator uses to send a matter to the competent department.
DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("hrss", "人力资源和社会保障局", "人力资源和社会保障局"),
    ("nrp", "规划和自然资源分局", "规划和自然资源局"),
    ("housing", "住房和城乡建设局", "住房和城乡建设委员会"),
    ("env", "生态环境分局", "生态环境局"),
    ("health", "卫生健康局", "卫生健康委员会"),
    ("civil", "民政局", "民政局"),
    ("edu", "教育局", "教育局"),
    ("transport", "交通运输局", "交通运输局"),
    ("police", "公安分局", "公安局"),
)
# A district's 分局 are branches of the city's bureau: their leadership is managed by the city
# (管理权限), so accusations against them go to the city's discipline inspection (Art.22, 30),
# while the district government still reviews their handling opinions.
CITY_MANAGED = frozenset({"nrp", "env", "police"})


@dataclass(frozen=True)
class Township:
    code: str  # 9 digits
    name: str
    villages: tuple[str, ...]  # names of its 社区/村, numbered 001, 002, …

    @property
    def is_town(self) -> bool:
        """A 镇 has 村民委员会; a 街道 has 社区居民委员会."""
        return self.name.endswith("镇")


@dataclass(frozen=True)
class County:
    code: str  # 6 digits
    name: str
    townships: tuple[Township, ...]


COUNTIES: tuple[County, ...] = (
    County(
        "330102",
        "上城区",
        (
            Township("330102001", "清波街道", ("清波门社区", "劳动路社区", "定安路社区")),
            Township("330102002", "湖滨街道", ("东坡路社区", "青年路社区", "岳王路社区")),
            Township("330102003", "小营街道", ("小营巷社区", "大学路社区", "葵巷社区")),
        ),
    ),
    County(
        "330105",
        "拱墅区",
        (
            Township("330105001", "米市巷街道", ("卖鱼桥社区", "左家新村社区", "香积寺社区")),
            Township("330105002", "湖墅街道", ("湖墅新村社区", "珠儿潭社区", "信义坊社区")),
            Township("330105003", "康桥街道", ("康桥村", "谢村", "康桥社区")),
        ),
    ),
    County(
        "330106",
        "西湖区",
        (
            Township("330106001", "北山街道", ("北山路社区", "宝石山社区", "西溪河下社区")),
            Township("330106002", "西溪街道", ("曙光新村社区", "保俶北路社区", "嘉绿苑社区")),
            Township("330106003", "翠苑街道", ("翠苑一区社区", "翠苑二区社区", "文锦社区")),
            Township("330106109", "三墩镇", ("绕城村", "谢家村", "华联村", "西园社区")),
        ),
    ),
)

HOME_COUNTY = "330106"  # the county whose officials the printed tokens belong to


def unit_id(code_prefix: str, suffix: str) -> str:
    """Readable ids: ``330106-bureau``, ``330106001-gov``, ``330106001002-vc``."""
    return f"{code_prefix}-{suffix}"


def pad(prefix: str) -> str:
    return prefix.ljust(12, "0")


def province_units() -> list[UnitRecord]:
    p = PROVINCE_CODE
    gov = unit_id("33", "gov")
    party = unit_id("33", "party")
    return [
        UnitRecord(gov, "浙江省人民政府", UnitKind.GOVERNMENT, p, None),
        UnitRecord(party, "中共浙江省委", UnitKind.PARTY_COMMITTEE, p, None),
        UnitRecord(unit_id("33", "bureau"), "浙江省信访局", UnitKind.PETITION_BUREAU, p, gov),
        UnitRecord(
            unit_id("33", "di"), "浙江省纪委省监委", UnitKind.DISCIPLINE_INSPECTION, p, party
        ),
    ]


def city_units() -> list[UnitRecord]:
    c = CITY_CODE
    gov = unit_id("3301", "gov")
    party = unit_id("3301", "party")
    records = [
        UnitRecord(gov, "杭州市人民政府", UnitKind.GOVERNMENT, c, unit_id("33", "gov")),
        UnitRecord(party, "中共杭州市委", UnitKind.PARTY_COMMITTEE, c, unit_id("33", "party")),
        UnitRecord(unit_id("3301", "bureau"), "杭州市信访局", UnitKind.PETITION_BUREAU, c, gov),
        UnitRecord(
            unit_id("3301", "di"),
            "杭州市纪委市监委",
            UnitKind.DISCIPLINE_INSPECTION,
            c,
            unit_id("33", "di"),
        ),
        UnitRecord(
            unit_id("3301", "pl"), "中共杭州市委政法委员会", UnitKind.POLITICAL_LEGAL, c, party
        ),
    ]
    for suffix, _, name in DEPARTMENTS:
        records.append(
            UnitRecord(unit_id("3301", suffix), f"杭州市{name}", UnitKind.DEPARTMENT, c, gov)
        )
    return records


def county_units(county: County) -> list[UnitRecord]:
    k, n = county.code, county.name
    code = pad(k)
    gov = unit_id(k, "gov")
    party = unit_id(k, "party")
    records = [
        UnitRecord(gov, f"杭州市{n}人民政府", UnitKind.GOVERNMENT, code, unit_id("3301", "gov")),
        UnitRecord(
            party, f"中共杭州市{n}委员会", UnitKind.PARTY_COMMITTEE, code, unit_id("3301", "party")
        ),
        UnitRecord(unit_id(k, "bureau"), f"杭州市{n}信访局", UnitKind.PETITION_BUREAU, code, gov),
        UnitRecord(
            unit_id(k, "di"),
            f"杭州市{n}纪委区监委",
            UnitKind.DISCIPLINE_INSPECTION,
            code,
            unit_id("3301", "di"),
        ),
        UnitRecord(
            unit_id(k, "pl"), f"中共杭州市{n}委政法委员会", UnitKind.POLITICAL_LEGAL, code, party
        ),
    ]
    # A county department is reviewed by its own government (the directory records this one).
    for suffix, name, _ in DEPARTMENTS:
        manager = unit_id("3301", suffix) if suffix in CITY_MANAGED else None
        records.append(
            UnitRecord(
                unit_id(k, suffix),
                f"杭州市{n}{name}",
                UnitKind.DEPARTMENT,
                code,
                gov,
                authority_id=manager,
            )
        )
    for township in county.townships:
        records.extend(township_units(county, township))
    return records


def township_units(county: County, township: Township) -> list[UnitRecord]:
    t = township.code
    gov = unit_id(t, "gov")
    office = "人民政府" if township.is_town else "办事处"
    records = [
        UnitRecord(
            gov,
            f"{county.name}{township.name}{office}",
            UnitKind.GOVERNMENT,
            pad(t),
            unit_id(county.code, "gov"),
        )
    ]
    for number, village in enumerate(township.villages, start=1):
        code = f"{t}{number:03d}"
        committee = "村民委员会" if village.endswith("村") else "居民委员会"
        records.append(
            UnitRecord(
                unit_id(code, "vc"),
                f"{township.name}{village}{committee}",
                UnitKind.VILLAGE_COMMITTEE,
                code,
                gov,
            )
        )
    return records


def demo_units() -> list[UnitRecord]:
    """Every unit of the demo, superiors before the units they review."""
    records = province_units() + city_units()
    for county in COUNTIES:
        records.extend(county_units(county))
    return records


def village_codes(township: Township) -> list[str]:
    return [f"{township.code}{n:03d}" for n in range(1, len(township.villages) + 1)]


@dataclass(frozen=True)
class DemoOfficial:
    """An official of the demo whose token ``xinfang serve`` prints."""

    key: str  # TOKEN_<KEY> in the printed shell lines
    official_id: str
    name: str
    unit_id: str
    roles: tuple[str, ...]
    title: str  # what a Chinese reader calls the post
    title_en: str


DEMO_OFFICIALS: tuple[DemoOfficial, ...] = (
    DemoOfficial(
        "BUREAU",
        "330106-bureau-01",
        "王丽华",
        "330106-bureau",
        ("registrar", "bureau"),
        "西湖区信访局 登记受理科",
        "county petition bureau (registrar, bureau)",
    ),
    DemoOfficial(
        "HANDLER",
        "330106001-gov-01",
        "陈建国",
        "330106001-gov",
        ("handler",),
        "北山街道办事处 信访办",
        "township handler",
    ),
    DemoOfficial(
        "LEADER",
        "330106-party-secretary",
        "周明远",
        "330106-party",
        ("leader",),
        "中共西湖区委书记",
        "county Party secretary (leader)",
    ),
    DemoOfficial(
        "INSPECTOR",
        "330106-di-01",
        "林晓燕",
        "330106-di",
        ("inspector",),
        "西湖区纪委区监委 信访室",
        "county discipline inspector",
    ),
    DemoOfficial(
        "ADMIN",
        "3301-bureau-admin",
        "赵志刚",
        "3301-bureau",
        ("admin",),
        "杭州市信访局 信息科",
        "city administrator",
    ),
)
