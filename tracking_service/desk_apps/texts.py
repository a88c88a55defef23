"""The desk apps' own words in each locale (the codes' words come from ``tracking_service.labels``)."""

from __future__ import annotations

from schemas.vocabulary import LOCALES

__all__ = ["LOCALES", "UI"]

# name → words in the order of LOCALES (zh-Hans, zh-Hant, en)
_WORDS: dict[str, tuple[str, str, str]] = {
    "title": ("物流助手", "物流助手", "Parcel assistant"),
    "language": ("语言", "語言", "Language"),
    "sign_in_title": ("登录", "登入", "Sign in"),
    "sign_in_hint": (
        "输入客服 API 密钥（只保存在本标签页中）",
        "輸入客服 API 金鑰（只儲存在此分頁中）",
        "Enter your agent API key (kept in this tab only)",
    ),
    "key_label": ("API 密钥", "API 金鑰", "API key"),
    "sign_in": ("登录", "登入", "Sign in"),
    "sign_out": ("退出", "登出", "Sign out"),
    "key_wrong": (
        "密钥无效、已撤销或已过期，请重新输入。",
        "金鑰無效、已撤銷或已過期，請重新輸入。",
        "This key is unknown, revoked or expired. Enter it again.",
    ),
    "waiting": ("正在等待会话信息…", "正在等待對話資訊…", "Waiting for the conversation…"),
    "loading": ("查询中…", "查詢中…", "Looking it up…"),
    "no_message": (
        "会话里还没有买家的消息，可以在下方粘贴。",
        "對話中還沒有買家的訊息，可以在下方貼上。",
        "No message from the buyer yet; paste one below.",
    ),
    "paste_label": ("粘贴买家消息或单号", "貼上買家訊息或單號", "Paste the buyer's message or a number"),
    "paste_go": ("查询并生成回复", "查詢並產生回覆", "Look up and draft a reply"),
    "buyer_message": ("买家最新消息", "買家最新訊息", "Buyer's last message"),
    "parcel": ("包裹", "包裹", "Parcel"),
    "tracking_number": ("快递单号", "物流單號", "Tracking number"),
    "order_id": ("订单号", "訂單編號", "Order"),
    "carrier": ("快递公司", "物流公司", "Carrier"),
    "status": ("状态", "狀態", "Status"),
    "last_scan": ("最新物流", "最新物流", "Last scan"),
    "eta": ("预计送达", "預計到貨", "Expected"),
    "incident": ("异常", "異常", "Incident"),
    "no_incident": ("无异常", "無異常", "None"),
    "intent": ("问题类型", "問題類型", "Question"),
    "answer": ("建议回复", "建議回覆", "Drafted reply"),
    "copy": ("复制回复", "複製回覆", "Copy reply"),
    "copied": ("已复制", "已複製", "Copied"),
    "copy_failed": ("无法复制，请手动选择文字", "無法複製，請手動選取文字", "Could not copy; select the text"),
    "no_parcel": ("没有找到对应的包裹", "沒有找到對應的包裹", "No parcel found"),
    "no_parcel_hint": (
        "消息里没有本店记录中的快递单号或订单号，下面是不针对具体包裹的回复。",
        "訊息中沒有本店紀錄裡的物流單號或訂單編號，以下是不針對特定包裹的回覆。",
        "The message names no tracking number or order of this shop; the reply below is a general one.",
    ),
    "other_matches": ("另有 {n} 个包裹也符合", "另有 {n} 個包裹也符合", "{n} more parcels match too"),
    "need_tenant": (
        "此密钥对应多个店铺：请在应用地址后加上 &tenant=店铺ID（例如 #key=…&tenant=shop-a）。",
        "此金鑰對應多個商店：請在應用程式網址後加上 &tenant=商店ID（例如 #key=…&tenant=shop-a）。",
        "This key serves several shops: add &tenant=<shop id> to the app URL (e.g. #key=…&tenant=shop-a).",
    ),
    "failed": ("查询失败：", "查詢失敗：", "Lookup failed: "),
    "refused_title": ("不能在查询参数中传递密钥", "不能在查詢參數中傳遞金鑰", "No keys in the query string"),
    "refused_body": (
        "查询参数会被记录在访问日志和代理中。请把密钥放在地址的 # 之后，例如 /apps/chatwoot#key=…，或打开页面后登录。",
        "查詢參數會被記錄在存取日誌與代理中。請把金鑰放在網址的 # 之後，例如 /apps/chatwoot#key=…，或開啟頁面後登入。",
        "Query strings end up in access logs and proxies. Put the key after the # of the URL, e.g. "
        "/apps/chatwoot#key=…, or sign in on the page.",
    ),
}

UI: dict[str, dict[str, str]] = {
    locale: {name: words[column] for name, words in _WORDS.items()} for column, locale in enumerate(LOCALES)
}
