"""Carrier auto-detection from the shape of a tracking number.

``detect`` returns ranked candidates; the service picks the best one among the
tenant's enabled carriers, or answers 422 with the list when it cannot choose.

Sources: UPU S10 (two letters, 8 digits + check digit, country) for postal items — ``E…CN`` is EMS,
other ``..CN`` China Post; UPS ``1Z`` and DHL / FedEx lengths from their public tracking pages. The
Chinese express carriers publish no number grammar: the domestic shapes below (中通 73/75/78…
14 digits, 圆通 ``YT``, 申通 77…, 韵达 31/43/46… 13 digits, 极兔 ``JT`` + 13, 京东 ``JD``, 顺丰 ``SF``,
EMS 11/51… and 邮政快递包裹 95–99… 13 digits, 德邦 ``DPK``, 菜鸟 ``LP`` + 14) are what their waybills
print. Shapes two carriers share (13 digits from 10…/50…, 12 bare digits) score equal or below
``CONFIDENT``: ``ambiguous`` then says so and the service asks Kuaidi100's 智能单号识别
(``tracking_service.detection``) instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Candidate:
    carrier: str
    sub_carrier: str | None
    score: float


# (pattern, carrier, sub_carrier, score). Higher score = more specific pattern.
_RULES: tuple[tuple[re.Pattern[str], str, str | None, float], ...] = tuple(
    (re.compile(pattern), carrier, sub_carrier, score)
    for pattern, carrier, sub_carrier, score in (
        (r"^SBX-[A-Z_]+-\d{1,20}$", "sandbox", None, 1.0),
        # 顺丰: SF + 12/13 digits — SF's own API first, Kuaidi100 as the aggregator route.
        (r"^SF\d{12,13}$", "sf_express", None, 0.95),
        (r"^SF\d{12,13}$", "kuaidi100", "shunfeng", 0.9),
        (r"^YT\d{12,13}$", "kuaidi100", "yuantong", 0.9),  # 圆通
        (r"^JT\d{13}$", "kuaidi100", "jtexpress", 0.9),  # 极兔 J&T
        (r"^JD[A-Z0-9]{13}$", "kuaidi100", "jd", 0.9),  # 京东
        (r"^DPK\d{9,13}$", "kuaidi100", "debangkuaidi", 0.9),  # 德邦快递
        (r"^LP\d{14}$", "kuaidi100", "cainiao", 0.9),  # 菜鸟 logistics order
        (r"^LP\d{14}$", "seventeentrack", None, 0.6),
        (r"^77\d{13}$", "kuaidi100", "shentong", 0.8),  # 申通 15 digits
        (r"^77\d{10}$", "kuaidi100", "shentong", 0.6),  # 申通 12 digits (中通 prints these too)
        (r"^(31|43|46)\d{11}(\d{2})?$", "kuaidi100", "yunda", 0.8),  # 韵达 13 / 15 digits
        (r"^(10|12|19|50)\d{11}$", "kuaidi100", "yunda", 0.6),  # 韵达 13 digits, shared with EMS
        (r"^7[3-9]\d{12}$", "kuaidi100", "zhongtong", 0.8),  # 中通 14 digits (73…, 75…, 78…)
        (r"^7\d{11}$", "kuaidi100", "zhongtong", 0.6),  # 中通 12 digits
        (r"^7\d{12,14}$", "kuaidi100", "zhongtong", 0.5),
        (r"^(11|51)\d{11}$", "kuaidi100", "ems", 0.8),  # EMS domestic 13 digits
        (r"^(10|50)\d{11}$", "kuaidi100", "ems", 0.6),
        (r"^9[5-9]\d{11}$", "kuaidi100", "youzhengguonei", 0.8),  # 邮政快递包裹 13 digits
        (r"^E[A-Z]\d{9}CN$", "kuaidi100", "ems", 0.85),  # S10 EMS from China
        (r"^[A-DF-Z][A-Z]\d{9}CN$", "kuaidi100", "youzhengguoji", 0.8),  # S10 China Post letters/parcels
        (r"^[A-Z]{2}\d{9}[A-Z]{2}$", "seventeentrack", None, 0.6),  # UPU S10 postal
        (r"^1Z[0-9A-Z]{16}$", "easypost", "UPS", 0.8),
        (r"^1Z[0-9A-Z]{16}$", "seventeentrack", None, 0.6),
        (r"^\d{10}$", "dhl", None, 0.7),  # DHL Express waybill
        (r"^(JJD\d{18,}|JVGL\d{10,}|GM\d{16,})$", "dhl", None, 0.85),  # DHL Parcel / eCommerce
        (r"^\d{10}$", "seventeentrack", None, 0.4),
        (r"^(\d{12}|\d{15}|\d{20,22})$", "easypost", None, 0.4),  # FedEx / USPS shapes
        (r"^(?=(?:\D*\d){6})[A-Z0-9]{10,30}$", "seventeentrack", None, 0.2),  # 17TRACK: most numbers with digits
    )
)


CONFIDENT = 0.5


def ambiguous(ranked: list[Candidate]) -> bool:
    """True when local rules cannot settle the carrier: nothing matched, the best is only a catch-all
    shape below ``CONFIDENT``, or the two best tie. The service then asks Kuaidi100's autonumber."""
    if not ranked or ranked[0].score < CONFIDENT:
        return True
    return len(ranked) > 1 and ranked[0].score == ranked[1].score


def detect(tracking_number: str) -> list[Candidate]:
    """Candidates for ``tracking_number``, best first; empty when nothing matches."""
    number = tracking_number.strip().upper()
    found: dict[tuple[str, str | None], float] = {}
    for pattern, carrier, sub_carrier, score in _RULES:
        if pattern.match(number):
            key = (carrier, sub_carrier)
            found[key] = max(found.get(key, 0.0), score)
    ranked = sorted(found.items(), key=lambda item: (-item[1], item[0][0]))
    return [Candidate(carrier=c, sub_carrier=s, score=score) for (c, s), score in ranked]
