"""Human labels for the contract's codes (statuses, sub-statuses, intents, incident kinds and states, claim kinds
and states) in each locale, for pages people read: the console, the desk apps and the buyers' page. The codes stay
the contract (SPEC §2, §6, §8) in the API; people see these words. zh-Hant is hand-written Taiwan usage (簽收,
超商取貨 style wording), not a character conversion of zh-Hans."""

from __future__ import annotations

from enum import StrEnum

from schemas.claims import ClaimKind, ClaimState
from schemas.status import Status, SubStatus
from schemas.vocabulary import IncidentKind, IncidentState, Intent

# code → (zh-Hans, zh-Hant, en)
_TABLE: dict[str, tuple[str, str, str]] = {
    # statuses
    Status.PENDING: ("待揽收", "待攬收", "Awaiting pickup"),
    Status.INFO_RECEIVED: ("已下单，待揽收", "已建單，待攬收", "Label created"),
    Status.IN_TRANSIT: ("运输中", "運送中", "In transit"),
    Status.OUT_FOR_DELIVERY: ("派送中", "配送中", "Out for delivery"),
    Status.AVAILABLE_FOR_PICKUP: ("待取件", "待取件", "Ready for pickup"),
    Status.ATTEMPT_FAILED: ("派送未成功", "配送未成功", "Delivery attempt failed"),
    Status.DELIVERED: ("已签收", "已簽收", "Delivered"),
    Status.EXCEPTION: ("异常", "異常", "Exception"),
    Status.RETURNING: ("退回中", "退回中", "Returning to sender"),
    Status.RETURNED: ("已退回", "已退回", "Returned to sender"),
    Status.EXPIRED: ("停止跟踪", "停止追蹤", "Tracking expired"),
    Status.UNKNOWN: ("暂无物流信息", "暫無物流資訊", "No tracking information yet"),
}
_SUB: dict[str, tuple[str, str, str]] = {
    SubStatus.DAMAGED: ("破损", "破損", "Damaged"),
    SubStatus.LOST: ("丢失", "遺失", "Lost"),
    SubStatus.DELAYED: ("延误", "延誤", "Delayed"),
    SubStatus.CUSTOMS_HOLD: ("海关查验", "海關查驗", "Held in customs"),
    SubStatus.ADDRESS_ISSUE: ("地址有误", "地址有誤", "Address problem"),
    SubStatus.REFUSED: ("拒收", "拒收", "Refused"),
    SubStatus.RECIPIENT_UNAVAILABLE: ("收件人不在", "收件人不在", "Recipient not available"),
    SubStatus.HELD_AT_CARRIER: ("网点留存", "營業所留置", "Held by the carrier"),
    SubStatus.DELIVERED_TO_NEIGHBOR: ("他人代收", "他人代收", "Left with a neighbour"),
    SubStatus.DELIVERED_TO_LOCKER: ("已存快递柜/驿站", "已放智慧櫃/取貨點", "In a locker or pickup point"),
    SubStatus.CANCELLED: ("已取消", "已取消", "Cancelled"),
    SubStatus.OTHER: ("其他", "其他", "Other"),
}
_INTENT: dict[str, tuple[str, str, str]] = {
    Intent.WHERE_IS_MY_PARCEL: ("查物流", "查物流", "Where is my parcel"),
    Intent.WHEN_WILL_IT_ARRIVE: ("什么时候到", "什麼時候到", "When will it arrive"),
    Intent.NOT_RECEIVED: ("显示签收没收到", "顯示簽收沒收到", "Delivered but not received"),
    Intent.DAMAGED: ("包裹破损", "包裹破損", "Damaged parcel"),
    Intent.CHANGE_ADDRESS: ("改地址", "改地址", "Change address"),
    Intent.RETURN_STATUS: ("退货进度", "退貨進度", "Return status"),
    Intent.SHIPPING_TIME: ("发货/运费咨询", "出貨/運費諮詢", "Shipping question"),
    Intent.UNKNOWN: ("其他问题", "其他問題", "Other question"),
}
_INCIDENT: dict[str, tuple[str, str, str]] = {
    IncidentKind.DELAYED: ("延误", "延誤", "Delayed"),
    IncidentKind.STALLED: ("物流停滞", "物流停滯", "No movement"),
    IncidentKind.LOST: ("疑似丢件", "疑似遺失", "Probably lost"),
    IncidentKind.DAMAGED: ("破损", "破損", "Damaged"),
    IncidentKind.DELIVERY_FAILED: ("派送失败", "配送失敗", "Delivery failed"),
    IncidentKind.RETURNED_TO_SENDER: ("退回寄件人", "退回寄件人", "Returned to sender"),
    IncidentKind.CUSTOMS_HOLD: ("海关扣留", "海關扣留", "Held in customs"),
    IncidentKind.ADDRESS_ISSUE: ("地址问题", "地址問題", "Address problem"),
    IncidentKind.DELIVERY_DISPUTED: ("签收争议", "簽收爭議", "Delivery disputed"),
}
_INCIDENT_STATE: dict[str, tuple[str, str, str]] = {
    IncidentState.OPEN: ("待处理", "待處理", "Open"),
    IncidentState.ACKNOWLEDGED: ("处理中", "處理中", "Acknowledged"),
    IncidentState.RESOLVED: ("已解决", "已解決", "Resolved"),
}
_CLAIM: dict[str, tuple[str, str, str]] = {
    ClaimKind.DAMAGED: ("破损理赔", "破損理賠", "Damage claim"),
    ClaimKind.LOST: ("丢件理赔", "遺失理賠", "Loss claim"),
    ClaimKind.NOT_RECEIVED: ("未收到理赔", "未收到理賠", "Not-received claim"),
}
_CLAIM_STATE: dict[str, tuple[str, str, str]] = {
    ClaimState.OPEN: ("已受理", "已受理", "Open"),
    ClaimState.EVIDENCE_REQUESTED: ("待补充凭证", "待補充證明", "Evidence requested"),
    ClaimState.SUBMITTED: ("已提交快递公司", "已提交物流公司", "Submitted to carrier"),
    ClaimState.APPROVED: ("已通过", "已核准", "Approved"),
    ClaimState.REJECTED: ("已驳回", "已駁回", "Rejected"),
    ClaimState.PAID: ("已赔付", "已理賠", "Paid"),
    ClaimState.CLOSED: ("已关闭", "已結案", "Closed"),
}

_TABLES: dict[str, dict[str, tuple[str, str, str]]] = {
    "status": _TABLE,
    "sub_status": _SUB,
    "intent": _INTENT,
    "incident": _INCIDENT,
    "incident_state": _INCIDENT_STATE,
    "claim": _CLAIM,
    "claim_state": _CLAIM_STATE,
}
_COLUMN = {"zh-Hans": 0, "zh-Hant": 1, "en": 2}
KINDS: tuple[str, ...] = tuple(_TABLES)


def label(kind: str, code: str | StrEnum | None, locale: str = "zh-Hans") -> str:
    """The word people read for ``code`` of ``kind`` (see ``KINDS``); an unknown code is shown as itself, so a
    new code never breaks a page."""
    if code is None:
        return ""
    row = _TABLES[kind].get(str(code))
    if row is None:
        return str(code)
    return row[_COLUMN.get(locale, 0)]


def labels(locale: str = "zh-Hans") -> dict[str, dict[str, str]]:
    """Every table in one locale, for templates and the desk apps' script."""
    column = _COLUMN.get(locale, 0)
    return {kind: {code: row[column] for code, row in table.items()} for kind, table in _TABLES.items()}
