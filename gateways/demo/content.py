"""Realistic Chinese content for the demo: people, matters, and the opinions that answer them.

Everything here is fictional but shaped like the real thing: identity numbers carry a valid
GB 11643 check digit and the area code of the place the person lives, phones look like mobile
numbers, and each kind of matter reads like the letters a 信访局 actually receives.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from domain.matters import matter_label

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方"
)
GIVEN = (
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建国", "建华", "国平", "志强", "海燕",
    "玉兰", "春梅", "晓东", "卫东", "丽华", "根宝", "阿毛", "金花", "小芬", "国庆", "红梅",
    "建军", "永康", "德明", "慧敏", "雅琴", "文斌", "思远", "佳怡", "子涵", "宇航", "梓萱",
)  # fmt: skip

COMPANIES = (
    "杭州恒远建筑劳务有限公司", "浙江鑫达装饰工程有限公司", "杭州顺丰源餐饮管理有限公司",
    "杭州宏盛服装有限公司", "浙江金桥物流有限公司", "杭州锦程电子科技有限公司",
)  # fmt: skip
ESTATES = ("翠苑新村", "嘉绿苑", "文鼎苑", "西溪诚园", "湖墅嘉园", "清波公寓", "三墩锦苑")
ROADS = ("文一路", "古墩路", "莫干山路", "教工路", "天目山路", "湖墅南路", "西溪路", "留下街")
HOSPITALS = ("区第一人民医院", "区中医院", "社区卫生服务中心", "市第三人民医院")
SCHOOLS = ("学军小学", "文三街小学", "保俶塔实验学校", "拱宸桥小学", "翠苑第一小学")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number(rng: random.Random, area_code: str, born: date) -> str:
    """A resident identity number with a valid check digit (GB 11643-1999)."""
    body = f"{area_code[:6]}{born:%Y%m%d}{rng.randint(1, 999):03d}"
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + _ID_CHECK[total % 11]


def phone(rng: random.Random) -> str:
    prefix = rng.choice(("130", "133", "135", "137", "138", "139", "150", "152", "158", "187"))
    return prefix + "".join(str(rng.randint(0, 9)) for _ in range(8))


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def person(rng: random.Random, division_code: str, address: str) -> dict[str, str]:
    """A petitioner as the registration form records one."""
    born = date(1948, 1, 1) + timedelta(days=rng.randint(0, 52 * 365))
    return {
        "name": person_name(rng),
        "id_number": id_number(rng, division_code, born),
        "phone": phone(rng),
        "address": address,
    }


@dataclass(frozen=True)
class Matter:
    """One kind of matter: who is competent, how it reads, how it is answered."""

    kind: str
    department: str  # suffix of the competent county department (gateways.demo.directory)
    township_share: float  # how often the township government handles it instead
    path: str  # the usual path when accepted as 申诉求决类 (Art.31)
    subjects: tuple[str, ...]
    contents: tuple[str, ...]
    basis: str
    opinions: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return matter_label(self.kind)


MATTERS: dict[str, Matter] = {
    m.kind: m
    for m in (
        Matter(
            "land_compensation", "nrp", 0.6, "6",
            ("关于{village}集体土地征收补偿标准的诉求", "反映征地补偿款未足额发放"),
            (
                "我是{township}{village}村民{name}。{year}年{month}月，{village}约{area}亩集体土地被征收用于"
                "{road}延伸工程。村里公布的补偿方案中，我家承包地{mu}亩只按旱地标准补偿{amount}元，但该地块"
                "多年来一直种植水稻和茶叶，应按水田和园地标准补偿。另外地上青苗和附着物至今没有清点。多次找"
                "村委会和街道，答复都是“按方案执行”。请求重新核定我家土地地类，按标准足额补偿。",
                "{village}{people}户村民联名反映：{year}年征地时承诺的留用地安置和被征地农民养老保障至今没有"
                "落实，补偿款中有{amount}元被村集体暂扣，未向村民公开去向。请求公开征地补偿安置方案和资金"
                "使用明细，依法落实社会保障。",
            ),
            "《中华人民共和国土地管理法》第四十八条，《浙江省土地管理条例》第五十八条",
        ),
        Matter(
            "wage_arrears", "hrss", 0.15, "6",
            ("反映{company}拖欠农民工工资", "讨要拖欠的{months}个月工资"),
            (
                "我们是在{company}承建的{estate}项目工地务工的{people}名农民工，从{year}年{month}月起，公司以"
                "甲方未付工程款为由拖欠我们{months}个月工资共计{amount}元。包工头电话已经打不通，项目部也"
                "撤场了。马上要过年，家里老人孩子都等着这笔钱。请求政府督促企业尽快支付欠薪。",
                "本人{name}在{company}从事仓库管理工作，{year}年{month}月离职时公司结清手续后承诺一个月内"
                "支付剩余工资和经济补偿{amount}元，至今未付。多次联系人事部门均被推诿。请求劳动监察部门"
                "依法查处。",
            ),
            "《保障农民工工资支付条例》第三条、第三十条，《中华人民共和国劳动合同法》第三十条",
        ),
        Matter(
            "demolition", "housing", 0.5, "6",
            ("对{village}旧改征收补偿评估价格有异议", "反映房屋征收安置房迟迟未交付"),
            (
                "我家位于{township}{village}的私房建筑面积{area}平方米，列入{year}年旧城改造征收范围。评估"
                "公司给出的评估单价明显低于周边同类房屋成交价，且未将{year}年经批准翻建的二层计入合法面积。"
                "我对评估结果申请复核未获回应。请求重新评估，按合法面积给予补偿。",
                "{year}年我家房屋被征收后选择产权调换，协议约定安置房在两年内交付，现已超期{months}个月，"
                "每月临时安置费仅{rent}元，远不够租房。请求明确交房时间并按协议补足过渡费。",
            ),
            "《国有土地上房屋征收与补偿条例》第十九条、第二十一条，《浙江省国有土地上房屋征收与补偿条例》",
        ),
        Matter(
            "pension", "hrss", 0.1, "6",
            ("要求补缴{year}年前的养老保险", "对养老金核定数额有异议"),
            (
                "本人{name}，原系{company}职工，{year}年企业改制时被“买断工龄”，此后单位未为我缴纳养老保险，"
                "导致缴费年限不足十五年，无法按月领取养老金。请求核实我在原单位的工作年限，允许补缴或视同"
                "缴费。",
                "我于今年{month}月办理退休，社保经办机构核定的基本养老金为每月{pension}元，我认为其中视同缴费"
                "年限少算了{months}年（有当年招工表和档案为证）。请求重新核定。",
            ),
            "《中华人民共和国社会保险法》第十六条，《浙江省职工基本养老保险条例》",
        ),
        Matter(
            "environment", "env", 0.2, "5",
            ("反映{road}附近企业夜间排放刺鼻废气", "{village}河道被倾倒工业废水"),
            (
                "{estate}小区紧邻一家喷涂加工厂，近{months}个月来每天晚上十点以后排放刺鼻废气，居民晚上不敢开窗，"
                "多位老人和孩子出现咳嗽、头痛症状。我们在网上多次反映，企业白天停产、晚上照开。请求环保部门"
                "夜间突击检查，依法查处。",
                "{township}{village}东侧河道近期出现大面积黑臭，怀疑上游小作坊偷排电镀废水，河里的鱼大量死亡。"
                "请求环保部门取样检测、查明污染源并依法处理。",
            ),
            "《中华人民共和国大气污染防治法》第四十五条，《中华人民共和国水污染防治法》第三十九条",
        ),
        Matter(
            "property", "housing", 0.6, "6",
            ("反映{estate}物业公司擅自上调物业费", "{estate}公共收益去向不明"),
            (
                "{estate}物业公司未经业主大会同意，从{year}年{month}月起将物业费由每平方米{fee_old}元上调至{fee_new}元，对不交"
                "的业主停止门禁卡授权。小区电梯多次困人，维修基金使用也不公开。请求街道和住建部门督促物业"
                "依法依规服务，公开收支。",
                "我们是{estate}业主代表，小区广告位、停车位的公共收益每年约{amount}元，物业从未公示。"
                "我们申请查账被拒。请求主管部门责令物业公开公共收益并归还业主。",
            ),
            "《物业管理条例》第七条、第四十一条，《浙江省物业管理条例》第五十条",
        ),
        Matter(
            "medical", "health", 0.0, "6",
            ("对{hospital}诊疗过程有异议", "反映{hospital}过度检查、重复收费"),
            (
                "我父亲今年{month}月因胸闷到{county}{hospital}就诊，急诊医生未做心电图即按胃病处理，回家后次日"
                "凌晨病情加重，转院抢救后花费{amount}元。我认为医院存在延误诊治。请求卫健部门调查并组织"
                "医疗纠纷调解。",
                "本人在{hospital}住院{days}天，出院清单中同一项目重复收费多次，部分检查并未实际做过。向医院"
                "医务科反映后答复含糊。请求核查费用清单并退还多收费用。",
            ),
            "《医疗纠纷预防和处理条例》第二十二条，《医疗机构管理条例》",
        ),
        Matter(
            "social_assistance", "civil", 0.6, "6",
            ("申请最低生活保障被拒", "反映低保评定不公"),
            (
                "我叫{name}，{year}年因车祸丧失劳动能力，妻子患尿毒症长期透析，儿子在读初中，家庭月收入不足"
                "{fee}00元。今年{month}月向{township}申请低保，被告知因名下有一辆旧面包车不符合条件。该车已"
                "报废多年无法过户。请求重新审核，给予低保和医疗救助。",
                "{village}有几户条件较好的家庭享受低保，而真正困难的孤寡老人却没有纳入。评议过程没有公示。"
                "请求街道核查低保对象，公开评议结果。",
            ),
            "《社会救助暂行办法》第九条、第十一条，《浙江省最低生活保障办法》",
        ),
        Matter(
            "education", "edu", 0.0, "6",
            ("孩子入学被分配到远离住所的学校", "反映{school}违规收取费用"),
            (
                "我家在{estate}购房并落户满{months}个月，按学区划分孩子应就读{school}，但今年教育局调整学区，"
                "孩子被统筹到离家{km}公里外的学校，每天接送困难。调整方案事先没有征求意见。请求按原学区安排"
                "入学。",
                "{school}以课后服务、资料费等名义每学期向每名学生收取{fee}00元，没有公示收费依据，也没有"
                "家长自愿确认。请求教育部门调查是否属于违规收费。",
            ),
            "《中华人民共和国义务教育法》第十二条，《浙江省义务教育条例》",
        ),
        Matter(
            "traffic", "transport", 0.2, "6",
            ("建议在{road}增设公交站点", "{road}施工围挡长期占道影响出行"),
            (
                "{estate}小区有居民近{people}00人，最近的公交站在{km}公里外，老人孩子出行很不方便。{road}"
                "道路条件具备设站条件。建议在小区门口增设公交站点，或将现有线路延伸。",
                "{road}地铁施工围挡已经持续{months}个月，把原本双向四车道压缩为两车道，早晚高峰严重拥堵，"
                "人行道也被占用，行人只能走机动车道，存在安全隐患。请求督促施工单位优化围挡、加快进度。",
            ),
            "《城市道路管理条例》第三十一条，《杭州市城市道路管理办法》",
        ),
    )
}  # fmt: skip

OPINIONS = {
    "supported": (
        "经调查核实，{label}事项中反映的主要问题属实。根据{basis}，你的请求符合规定，予以支持。"
        "我单位已责成相关责任单位于三十日内落实，并将办理结果书面告知你。"
    ),
    "explained": (
        "经调查核实，你反映的{label}问题情况基本属实，但现行政策对此没有明确规定，你的请求暂无法律"
        "依据予以满足。我们已就相关情况向你作出解释说明，并协调街道、社区对你家庭给予必要帮扶。"
    ),
    "not_supported": (
        "经调查核实，你反映的{label}问题与事实不符。相关单位的处理符合{basis}的规定，"
        "你的请求缺乏事实和法律依据，不予支持。如不服本意见，可自收到本意见书之日起三十日内向"
        "{reviewer}请求复查。"
    ),
    "performed": (
        "收到你反映的{label}问题后，我单位于三日内组织执法人员现场检查，已依法责令相关企业整改，"
        "并将持续跟踪监测。处理情况已书面答复你。"
    ),
    "replied": "感谢你对{label}工作的关心。你提出的建议已转相关部门研究，将结合年度计划统筹考虑。",
}

REVIEW_OPINIONS = {
    "supported": "经复查，原处理意见认定事实不清，依据不足，予以撤销，责成原办理单位重新办理。",
    "explained": "经复查，原处理意见认定事实清楚，但对信访人的合理诉求解释不够充分，已责成补充说明。",
    "not_supported": "经复查，原处理意见认定事实清楚、适用依据正确、程序合法，予以维持。",
}

RECHECK_OPINIONS = {
    "supported": "经复核，复查意见认定事实不清，予以撤销，责成重新办理。本复核意见为最终意见。",
    "explained": "经复核，复查意见基本正确，就信访人关切作进一步解释说明。本复核意见为最终意见。",
    "not_supported": "经复核，复查意见认定事实清楚、依据正确，予以维持。信访人以同一事实和理由"
    "再次提出的，不再受理（《信访工作条例》第三十六条）。",
}

# Matters that leave the petition system for their lawful channel (Art.28, 31(1)-(4)):
# route channel → (subject, content, matter kind, the bureau's note to the petitioner).
CHANNELLED = {
    "political_legal": (
        "不服{county}人民法院民事判决",
        "本人与{company}买卖合同纠纷一案，{county}人民法院于{year}年{month}月作出判决，认定事实错误，"
        "判决我方承担{amount}元违约金。二审维持原判。请求纠正错误判决。",
        "litigation",
        "涉诉信访，导入司法程序，请依法申请再审",
    ),
    "arbitration": (
        "与{company}劳动合同纠纷",
        "本人与{company}签订了三年劳动合同，公司以经营困难为由单方解除合同，拒绝支付经济补偿金{amount}元。"
        "请求公司支付补偿金。",
        "wage_arrears",
        "请依法向劳动人事争议仲裁委员会申请仲裁",
    ),
    "administrative": (
        "对交通违法罚款决定不服",
        "{year}年{month}月我驾车在{road}被电子警察抓拍“违法停车”，罚款{fee}00元、记3分。当时车辆是因前方"
        "事故临时停车，不应处罚。请求撤销处罚决定。",
        "traffic",
        "请依法申请行政复议或提起行政诉讼",
    ),
}

ACCUSATIONS = (
    (
        "检举{township}工作人员在征迁中优亲厚友",
        "实名检举：{township}城建科工作人员{accused}在{village}旧改征迁中，为其亲属虚增评估面积{area}平方米，"
        "多领补偿款{amount}元，并在安置房分配中为关系户预留好楼层。有关评估资料和照片可提供。",
    ),
    (
        "控告{township}干部违规收受礼金",
        "反映{township}分管低保工作的{accused}利用职务之便，在低保评审中收受申请人礼金，每户{fee}00元到"
        "两千元不等，不送钱的困难户一律评不上。请纪委调查。",
    ),
    (
        "检举{village}工程项目围标串标",
        "{township}主导的{village}道路提升工程（合同价{amount}元）由与{accused}关系密切的老板中标，"
        "其他投标人均为陪标，工程质量差，完工不到半年路面开裂。请求查处。",
    ),
)

SUGGESTIONS = ("traffic", "education", "environment")


def context(rng: random.Random, **known: Any) -> dict[str, Any]:
    """The figures one matter speaks of, drawn once so that its subject, content and answer
    name the same estate, company and sums."""
    values: dict[str, Any] = {
        "year": rng.randint(2019, 2025),
        "month": rng.randint(1, 12),
        "months": rng.randint(2, 14),
        "amount": f"{rng.randint(8, 480) * 1000:,}",
        "pension": rng.randint(2800, 6500),
        "rent": rng.randint(8, 25) * 100,
        "area": rng.randint(40, 320),
        "mu": round(rng.uniform(0.6, 4.5), 1),
        "people": rng.randint(12, 48),
        "days": rng.randint(5, 30),
        "fee": rng.randint(2, 9),
        "fee_old": (fee_old := round(rng.uniform(1.2, 2.5), 1)),
        "fee_new": round(fee_old + 0.8, 1),
        "km": rng.randint(3, 9),
        "company": rng.choice(COMPANIES),
        "estate": rng.choice(ESTATES),
        "road": rng.choice(ROADS),
        "hospital": rng.choice(HOSPITALS),
        "school": rng.choice(SCHOOLS),
        "accused": person_name(rng),
    }
    values.update(known)
    return values


def fill(template: str, values: dict[str, Any]) -> str:
    return template.format_map(values)
