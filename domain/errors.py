"""Refusals of the domain: each has a stable English code and a Chinese message.

Gateways map the kind of refusal to a transport status (HTTP 409/422/403/404); the domain
only says *why* an act cannot be recorded. Nothing is recorded when one of these is raised.
"""

from __future__ import annotations

from typing import Any

from domain.periods import EXTENSION, OBJECTION, RECHECK_REQUEST, REVIEW_REQUEST


class DomainError(Exception):
    """Base of every refusal: a code callers can branch on, a message people can read."""

    kind = "rule"

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class RuleViolation(DomainError):
    """The regulation refuses the act (HTTP 409)."""

    kind = "rule"


class InvalidInput(DomainError):
    """The command is malformed or names something that does not exist (HTTP 422)."""

    kind = "invalid"


class OutOfScope(DomainError):
    """The caller may not see or do this: role or jurisdiction (HTTP 403)."""

    kind = "scope"


class NotFound(DomainError):
    """No such case (HTTP 404)."""

    kind = "not_found"


# The catalogue: one place where every code and its Chinese message live, so that the
# same refusal always reads the same way in the API, the CLI and the tests.
MESSAGES: dict[str, str] = {
    # time
    "OCCURRED_BEFORE_PREVIOUS": "行为发生时间不得早于该事项上一行为的发生时间",
    "OCCURRED_IN_FUTURE": "行为发生时间不得晚于当前时间",
    "OCCURRED_AT_NAIVE": "时间必须带有时区",
    # commands
    "UNKNOWN_ACTION": "未知的操作",
    "ACT_FIELDS_INVALID": "操作参数不正确",
    "CONCURRENT_UPDATE": "并发修改冲突，请重试",
    # registration (Art.17-23)
    "TOO_MANY_REPRESENTATIVES": "多人采用走访形式提出同一信访事项的，应当推选代表，代表人数不超过5人",
    "NO_PETITIONER": "非匿名信访事项应当登记信访人姓名",
    "ACCUSED_UNIT_REQUIRED": "检举控告类事项应当写明被检举控告的单位",
    "PATH_NOT_FOR_CATEGORY": "只有申诉求决类事项区分处理途径",
    "UNKNOWN_PATH": "处理途径应为1至6",
    "CHANNEL_INVALID": "来信来访渠道无效",
    "CATEGORY_INVALID": "信访事项类别无效",
    "PEOPLE_COUNT_INVALID": "人数应为正整数",
    # case state
    "CASE_CONCLUDED": "该信访事项已办结，不能再进行此项操作",
    "CASE_FINAL_AFTER_RECHECK": "复核意见为最终意见，复核后只能进行评价、督办和疏导帮扶",
    "NOT_HOLDER": "该信访事项不在本单位办理，无权进行此项操作",
    "ALREADY_ACCEPTED": "该信访事项已受理，不得重复受理",
    "NOT_ACCEPTED": "信访事项尚未受理，不得答复或延期",
    "ALREADY_ANSWERED": "该信访事项已答复，不得重复答复",
    "ACCEPT_PATH_REQUIRED": "申诉求决类事项受理时应当确定处理途径（第五项或第六项）",
    "CHANNEL_PATH_NOT_ACCEPTED": "属于诉讼、仲裁、党员申诉或行政程序的事项应当导入相应法定途径，不予受理",
    "NOT_A_BUREAU": "只有信访部门可以导入法定途径、督办；其他单位只能向本系统下级转送、交办",
    "TRANSFER_TO_SELF": "不得转送、交办给本单位",
    "ACCUSATION_TO_ACCUSED_UNIT": "检举控告事项不得转送、交办给被检举控告的单位",
    "ROUTE_CHANNEL_INVALID": "导入途径无效",
    "ROUTE_CHANNEL_MISMATCH": "导入途径与事项类别或接收单位不符",
    "ROUTE_TARGET_WRONG_KIND": "接收单位的类型与导入途径不符：涉法涉诉事项导入政法机关，检举控告导入纪检监察机关，"
    "仲裁和行政程序导入政府或其部门，党员申诉导入党委或纪检监察机关",
    "ROUTE_TARGET_WRONG_TIER": "涉法涉诉事项应当导入信访部门本级（同一层级、同一区域）的政法机关",
    "NO_POLITICAL_LEGAL_ORGAN": "单位名录中没有信访部门本级的政法机关，请先登记该机关",
    "DISCIPLINE_INSPECTION_WITHOUT_AUTHORITY": "检举控告事项应当导入对被检举控告单位有管理权限的纪检监察机关"
    "（按干部管理权限，对县级政府的检举控告由市级纪检监察机关受理）",
    "NO_DISCIPLINE_INSPECTION_FOR_ACCUSED": "单位名录中没有对被检举控告单位有管理权限的纪检监察机关，"
    "请先登记该机关或被检举控告单位的管理权限",
    "ASSIGN_DUE_INVALID": "交办期限应当晚于交办日期",
    "OBJECTION_WINDOW_EXPIRED": f"异议应当自收到转送、交办之日起{OBJECTION.days}个工作日内提出，已超过期限",
    "OBJECTION_PENDING": "异议尚待转送机关审核，不能进行此项操作",
    "OBJECTION_REASON_REQUIRED": "异议应当说明理由",
    "NO_OBJECTION_PENDING": "没有待审核的异议",
    "COMPETENT_UNIT_WITHOUT_AGREEMENT": "未同意异议时不得另行指定办理单位",
    "OBJECTION_WRONG_DECIDER": "异议应由转送、交办的信访部门或共同上级机关审核",
    "NOT_RECEIVED_BY_TRANSFER": "该单位不是通过转送、交办收到本事项，不能提出异议",
    "EXTENSION_NOT_PATH_6": "只有依照第三十一条第六项办理的事项可以延期",
    "EXTENSION_AFTER_DEADLINE": "办理期限届满后不得延期，延期应当在期限届满前批准",
    "EXTENSION_OVER_LIMIT": f"延长期限累计不得超过{EXTENSION.days}日",
    "EXTENSION_DAYS_INVALID": "延长天数应当为正整数",
    "OUTCOME_REQUIRED": "信访处理意见书应当写明处理结果（支持、解释说明或不予支持）",
    "OUTCOME_NOT_FOR_PATH": "只有第六项事项出具信访处理意见书，其处理结果应为支持、解释说明或不予支持",
    "OPINION_REQUIRED": "书面答复应当写明意见及依据",
    "NOT_ISSUING_UNIT": "只有出具书面意见的单位或信访部门可以登记送达",
    "OBJECTION_ALREADY_DECIDED": "异议已经审核未获同意，不得就本次转送、交办再次提出异议",
    "NOTHING_TO_SERVE": "没有待送达的书面意见",
    "ALREADY_SERVED": "该书面意见已送达",
    # review and recheck (Art.35-36)
    "REVIEW_NOT_PATH_6": "只有对信访处理意见书不服的，才可以申请复查",
    "REVIEW_NOT_SERVED": "信访处理意见书尚未送达，复查期限尚未起算",
    "REVIEW_WINDOW_EXPIRED": f"复查申请已超过法定期限（收到书面答复之日起{REVIEW_REQUEST.days}日）",
    "REVIEW_ALREADY_REQUESTED": "已申请复查，不得重复申请",
    "NO_REVIEW_REQUESTED": "信访人未申请复查",
    "REVIEW_WRONG_UNIT": "复查应当由原办理机关、单位的上一级机关、单位办理",
    "NO_REVIEWING_SUPERIOR": "原办理单位没有可以办理复查的上一级机关",
    "VILLAGE_CANNOT_REVIEW": "村（居）民委员会不是机关，不能作为复查、复核机关",
    "RECHECK_WITHOUT_REVIEW": "未经复查不得申请复核",
    "REVIEW_OPINION_NOT_SERVED": "复查意见尚未送达，复核期限尚未起算",
    "RECHECK_WINDOW_EXPIRED": f"复核申请已超过法定期限（收到复查意见之日起{RECHECK_REQUEST.days}日）",
    "RECHECK_ALREADY_REQUESTED": "已申请复核，不得重复申请",
    "NO_RECHECK_REQUESTED": "信访人未申请复核",
    "RECHECK_WRONG_UNIT": "复核应当由复查机关的上一级机关办理",
    "HEARING_DATES_INVALID": "听证结束日期不得早于开始日期",
    "HEARING_NOT_ALLOWED": "当前阶段不能组织听证",
    "HEARING_OUTSIDE_STAGE": "听证应在本阶段开始后举行、结束后登记，且同一期间不得重复计算",
    # conclusion, evaluation, ownership, urging
    "CANNOT_CONCLUDE_YET": "尚不具备办结条件",
    "NOTHING_TO_EVALUATE": "尚未公开办理结果，不能评价",
    "ALREADY_EVALUATED": "信访人已对该办理结果作出评价",
    "ANONYMOUS_CANNOT_EVALUATE": "匿名信访事项不进行满意度评价",
    "LEADER_ALREADY_OWNS": "该领导已包案",
    "URGE_TARGET_NOT_INVOLVED": "被督办单位不是该事项的办理单位",
    "URGE_REASON_REQUIRED": "督办应当说明事由",
    "SATISFACTION_INVALID": "满意度评价无效",
    "DECLINE_REASON_REQUIRED": "不予受理应当说明理由或法定途径",
    "EXTENSION_REASON_REQUIRED": "延长办理期限应当写明告知信访人的延期理由（第三十四条）",
    "ANSWER_FACTS_REQUIRED": "信访处理意见书应当载明认定的事实（第三十二条）",
    "ANSWER_BASIS_REQUIRED": "信访处理意见书应当载明处理意见的依据（第三十二条）",
    "EVALUATION_BY_PETITIONER_ONLY": "满意度评价由信访人作出，或由信访部门回访记录；办理单位不得自行评价",
    "TRANSFER_OUTSIDE_OWN_SYSTEM": "非信访部门只能将信访事项转送、交办本系统的下级机关、单位（第二十三条）；不属于本单位职责的，应当提出异议",
    "DECLINE_PATH_REQUIRED": "不予受理应当写明事项所属的法定途径（第三十一条第一至四项）",
    "DECLINE_NOT_ALLOWED": "只有应当通过诉讼、仲裁、党员申诉或行政程序解决的事项可以不予受理；对属于本机关职权范围的事项拒不受理属于推诿（第四十四条）",
    "INFORM_NOT_REQUIRED": "该事项无需告知（匿名或已由信访部门转送）",
    "NOT_A_DIRECT_PETITION": "只有直接收到信访人提出事项的单位需要告知",
    # the directory
    "UNKNOWN_UNIT": "单位不存在",
    "UNIT_EXISTS": "单位已存在",
    "DIVISION_CODE_INVALID": "区划代码应为12位数字",
    "SUPERIOR_IS_VILLAGE": "村（居）民委员会不能作为上一级机关",
    "SUPERIOR_CYCLE": "上级关系不能形成循环",
    "UNIT_INACTIVE": "该单位已撤并，请使用承继单位",
    "UNIT_KIND_INVALID": "单位类型无效",
    # access
    "ROLE_REQUIRED": "当前用户没有进行此项操作的权限",
    "OUT_OF_JURISDICTION": "所请求的信访事项、区域或单位不在当前用户的管辖范围内",
    "CASE_NOT_FOUND": "信访事项不存在",
    # 三项建议 (Art.40)
    "RECOMMENDATION_KIND_INVALID": "建议类型应为改进工作建议、完善政策建议或追究责任建议",
    "RECOMMENDATION_GROUNDS_REQUIRED": "建议应当写明事实和理由",
    "SERIOUS_CONSEQUENCES_REQUIRED": "追究责任建议应当写明造成的严重后果（第四十条）",
    "RECOMMENDATION_ALREADY_ANSWERED": "该建议已书面答复，不得重复答复",
    "RECOMMENDATION_ANSWER_REQUIRED": "书面答复应当写明是否采纳及理由",
    "NOT_RECOMMENDATION_RECIPIENT": "只有建议的接收单位可以答复",
    "RECOMMENDATION_NOT_FOUND": "建议不存在",
    "ISSUER_NOT_A_BUREAU": "三项建议只能由信访部门提出（第十四条、第四十条）",
    "RECOMMENDATION_WRONG_RECIPIENT": "建议的接收单位不符合第四十条：改进工作建议向有关单位提出，"
    "完善政策建议向本级党委和政府提出，追究责任建议向有管理权限的机关提出",
    "CONCERNED_UNIT_REQUIRED": "追究责任建议应当写明被追究责任的单位",
    "NO_MANAGING_BODY": "单位名录中没有对该单位有管理权限的上一级机关",
    "RECOMMENDATION_TO_ACCUSED_UNIT": "建议引用了检举控告事项，不得向被检举控告的单位提出（第三十条）",
    "RECOMMENDATION_KEY_CONFLICT": "同一候选建议已以不同的类型或接收单位提出",
    "CITED_EVENT_UNKNOWN": "引用的事件不属于所引用的信访事项",
    "POLICY_RECIPIENT_NOT_OWN_TIER": "完善政策建议只能向本级党委和政府提出（第四十条）",
    "NOT_MANAGING_AUTHORITY": "追究责任建议应当向对该单位有管理权限的机关、单位（或相应的纪检监察机关）"
    "提出（第四十条）",
    "NAMED_OFFICIAL_INVALID": "建议所列工作人员应当写明人员编号、姓名和所在单位",
    "NAMED_OFFICIAL_NOT_OF_UNIT": "建议所列工作人员应当是所涉单位的工作人员",
    "NAMED_OFFICIALS_NOT_FOR_POLICY": "完善政策建议不列明工作人员",
}


def _message(code: str, message: str | None) -> str:
    return message if message is not None else MESSAGES[code]


def refuse(code: str, message: str | None = None, **details: Any) -> RuleViolation:
    """A refusal by a rule of the regulation."""
    return RuleViolation(code, _message(code, message), **details)


def invalid(code: str, message: str | None = None, **details: Any) -> InvalidInput:
    """A malformed command or an unknown reference."""
    return InvalidInput(code, _message(code, message), **details)


def forbidden(code: str, message: str | None = None, **details: Any) -> OutOfScope:
    """The caller's role or jurisdiction does not cover the act."""
    return OutOfScope(code, _message(code, message), **details)


def not_found(code: str = "CASE_NOT_FOUND", message: str | None = None, **details: Any) -> NotFound:
    return NotFound(code, _message(code, message), **details)
