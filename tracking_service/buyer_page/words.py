"""The buyers' page in words: which locale a request gets, and every fixed sentence of the page in zh-Hans,
zh-Hant (hand-written Taiwan usage: 追蹤、超商取貨、簽收、回報) and en. Text that comes from elsewhere
(prepared answers, carrier scans) and has no hand-written zh-Hant goes through OpenCC ``s2twp``.

Locale order (SPEC §11): the buyer's, else ``Accept-Language`` (RFC 9110 §12.5.4 quality values), else
the shop's; ``?lang=`` (the page's language links) overrides all three.
"""

from __future__ import annotations

from schemas.vocabulary import LOCALES

# key → (zh-Hans, zh-Hant, en)
_WORDS: dict[str, tuple[str, str, str]] = {
    "title": ("物流跟踪", "物流追蹤", "Parcel tracking"),
    "status": ("当前状态", "目前狀態", "Status"),
    "order": ("订单号", "訂單編號", "Order"),
    "number": ("运单号", "貨運單號", "Tracking number"),
    "carrier": ("快递公司", "物流公司", "Carrier"),
    "eta": ("预计送达", "預計送達", "Expected delivery"),
    "eta_late": ("已超过预计送达时间", "已超過預計送達時間", "Past the expected delivery time"),
    "eta_none": ("暂时还没有预计送达时间", "目前還沒有預計送達時間", "No delivery estimate yet"),
    "source_carrier": ("来源：快递公司预计", "來源：物流公司預估", "Source: the carrier's estimate"),
    "source_model": (
        "来源：按该线路以往时效估算",
        "來源：依這條路線過往的運送時間估算",
        "Source: this route's recent deliveries",
    ),
    "source_promised": ("来源：商家承诺", "來源：商家承諾", "Source: the shop's promise"),
    "incident": ("包裹情况说明", "包裹狀況說明", "What is happening"),
    "pickup": ("取件码", "取件碼", "Pickup code"),
    "pickup_hint": (
        "请凭取件码到快递柜或驿站取件。",
        "請憑取件碼到智慧櫃或取貨點取件。",
        "Show this code at the locker or pickup point.",
    ),
    "timeline": ("物流记录", "物流紀錄", "Tracking history"),
    "times_in": ("时间为{zone}时间", "時間為{zone}時間", "Times are {zone} time"),
    "no_events": (
        "快递公司还没有这件包裹的扫描记录，有更新后这里会显示。",
        "物流公司還沒有這件包裹的掃描紀錄，有更新後這裡會顯示。",
        "The carrier hasn't scanned this parcel yet. Its scans will show here.",
    ),
    "help": ("遇到问题？", "遇到問題？", "Something wrong?"),
    "not_received": ("显示签收但没收到", "顯示簽收但沒收到", "Delivered but not received"),
    "not_received_hint": (
        "我们会向快递公司发起签收核查，核实后为您补发或退款。",
        "我們會向物流公司提出簽收查核，確認後為您補寄或退款。",
        "We'll ask the carrier to check the delivery, then reship or refund once it's confirmed.",
    ),
    "dispute_open": (
        "已登记您没收到包裹，我们正在向快递公司核查签收情况。",
        "已登記您沒收到包裹，我們正在向物流公司查核簽收狀況。",
        "We've recorded that you don't have the parcel and are checking the delivery with the carrier.",
    ),
    "dispute_next": (
        "接下来：客服已收到通知，核查有结果后会第一时间联系您，您无需重复提交。",
        "接下來：客服已收到通知，查核有結果後會第一時間聯絡您，您不需要重複送出。",
        "What happens next: our support team has been told and will contact you as soon as the check is done."
        " There's no need to send it again.",
    ),
    "damaged": ("包裹破损", "包裹破損", "Parcel damaged"),
    "damaged_hint": (
        "请上传最多5张照片（JPEG、PNG 或 WebP，每张不超过10MB），并简单描述破损情况。",
        "請上傳最多5張照片（JPEG、PNG 或 WebP，每張不超過10MB），並簡單描述破損狀況。",
        "Add up to 5 photos (JPEG, PNG or WebP, 10 MB each at most) and a few words about the damage.",
    ),
    "photos": ("照片", "照片", "Photos"),
    "description": ("破损情况", "破損狀況", "What is damaged"),
    "send": ("提交", "送出", "Send"),
    "claim_open": (
        "已收到您的破损反馈（{count}张照片），我们已为您登记理赔。",
        "已收到您的破損回報（{count}張照片），我們已為您登記理賠。",
        "We've received your damage report ({count} photos) and opened a claim.",
    ),
    "claim_next": (
        "接下来：客服会核对照片并联系快递公司理赔，有结果后第一时间告诉您是补发还是退款。",
        "接下來：客服會核對照片並向物流公司申請理賠，有結果後第一時間告訴您是補寄還是退款。",
        "What happens next: our support team will check the photos and claim with the carrier, then tell you"
        " whether we reship or refund.",
    ),
    "not_found_title": ("找不到这个包裹", "找不到這個包裹", "Parcel not found"),
    "not_found": (
        "这个物流链接无效或已失效。请打开商家最新发给您的通知里的链接，或用订单号查询。",
        "這個物流連結無效或已失效。請開啟商家最新傳給您的通知中的連結，或用訂單編號查詢。",
        "This tracking link is not valid or has expired. Open the link in the shop's latest message,"
        " or look your parcel up by order number.",
    ),
    "lookup": ("查询包裹", "查詢包裹", "Find your parcel"),
    "lookup_hint": (
        "输入订单号和收件手机号后4位。",
        "輸入訂單編號和收件手機號碼末4碼。",
        "Enter your order number and the last 4 digits of your phone number.",
    ),
    "order_id": ("订单号", "訂單編號", "Order number"),
    "phone_last4": ("手机号后4位", "手機末4碼", "Last 4 digits of phone"),
    "search": ("查询", "查詢", "Find"),
    "lookup_missing": (
        "请同时填写订单号和手机号后4位。",
        "請同時填寫訂單編號和手機末4碼。",
        "Please fill in both the order number and the last 4 digits of your phone.",
    ),
    "lookup_none": (
        "没有找到匹配的包裹，请核对订单号和手机号后4位。",
        "找不到相符的包裹，請核對訂單編號和手機末4碼。",
        "No parcel matches. Please check the order number and the last 4 digits of your phone.",
    ),
    "too_many": (
        "查询太频繁了，请稍等一分钟再试。",
        "查詢太頻繁了，請稍等一分鐘再試。",
        "Too many tries. Please wait a minute and try again.",
    ),
    "refused_title": ("没能提交", "沒能送出", "That didn't go through"),
    "back": ("返回物流页面", "返回物流頁面", "Back to tracking"),
    "csrf": (
        "页面已过期，请返回后重新提交。",
        "頁面已過期，請返回後重新送出。",
        "This page has expired. Go back and send it again.",
    ),
    "not_delivered": (
        "包裹还没有签收，暂时不能登记“没收到”。签收后如果没收到，再来这里告诉我们。",
        "包裹還沒有簽收，暫時不能登記「沒收到」。簽收後如果沒收到，再來這裡告訴我們。",
        "The parcel isn't marked delivered yet, so it can't be reported as not received. If it's marked"
        " delivered and you don't have it, come back here.",
    ),
    "not_damageable": (
        "包裹还在运输途中，收到后如有破损再来登记。",
        "包裹還在運送途中，收到後如有破損再來登記。",
        "The parcel is still on its way. If it arrives damaged, report it here.",
    ),
    "photo_none": (
        "请至少上传1张破损照片。",
        "請至少上傳1張破損照片。",
        "Please add at least one photo of the damage.",
    ),
    "photo_count": ("最多只能上传5张照片。", "最多只能上傳5張照片。", "You can add 5 photos at most."),
    "photo_size": ("每张照片不能超过10MB。", "每張照片不能超過10MB。", "Each photo must be 10 MB or smaller."),
    "photo_type": (
        "只支持 JPEG、PNG 或 WebP 格式的照片。",
        "只支援 JPEG、PNG 或 WebP 格式的照片。",
        "Only JPEG, PNG or WebP photos can be used.",
    ),
    "photo_broken": (
        "有一张照片无法打开，可能已损坏，请换一张。",
        "有一張照片無法開啟，可能已損毀，請換一張。",
        "One of the photos can't be opened and may be corrupt. Please choose another.",
    ),
    "description_missing": (
        "请简单描述一下破损情况（最多2000字）。",
        "請簡單描述一下破損狀況（最多2000字）。",
        "Please describe the damage in a few words (2,000 characters at most).",
    ),
    "upload_form": ("请用页面上的表单上传照片。", "請用頁面上的表單上傳照片。", "Please use the form on the page."),
    "powered": ("物流信息由快递公司提供", "物流資訊由物流公司提供", "Tracking information from the carrier"),
}
_COLUMN = {"zh-Hans": 0, "zh-Hant": 1, "en": 2}
LANGUAGE_NAMES = {"zh-Hans": "简体中文", "zh-Hant": "繁體中文", "en": "English"}


def word(key: str, locale: str, **values: object) -> str:
    text = _WORDS[key][_COLUMN.get(locale, 0)]
    return text.format(**values) if values else text


def words(locale: str) -> dict[str, str]:
    """Every fixed sentence of the page in ``locale``, for the templates."""
    column = _COLUMN.get(locale, 0)
    return {key: row[column] for key, row in _WORDS.items()}


def _tag_locale(tag: str) -> str | None:
    tag = tag.strip().lower()
    if tag.startswith("en"):
        return "en"
    if tag == "zh" or tag.startswith(("zh-hans", "zh-cn", "zh-sg", "zh-my")):
        return "zh-Hans"
    if tag.startswith(("zh-hant", "zh-tw", "zh-hk", "zh-mo")):
        return "zh-Hant"
    if tag.startswith("zh"):
        return "zh-Hans"
    return None


def accepted_locale(header: str | None) -> str | None:
    """The first supported locale of an ``Accept-Language`` header, by quality (ties: the order given)."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        locale = _tag_locale(tag)
        if locale is not None and quality > 0:
            ranked.append((-quality, index, locale))
    return min(ranked)[2] if ranked else None


def page_locale(asked: str | None, buyer: str | None, accept_language: str | None, shop: str | None) -> str:
    """The page's locale: ``?lang=``, the buyer's, ``Accept-Language``, the shop's, then zh-Hans."""
    for candidate in (asked, buyer):
        if candidate in LOCALES:
            return str(candidate)
    accepted = accepted_locale(accept_language)
    if accepted is not None:
        return accepted
    return shop if shop in LOCALES else "zh-Hans"
