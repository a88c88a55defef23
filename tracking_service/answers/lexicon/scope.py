"""What a message is about and how it was written, before any intent is read: shop questions that are not
about a parcel, product/price/paperwork clauses, postage, thanks and greetings, and lines pasted from a
tracking page. Matched against normalised text."""

from __future__ import annotations

from tracking_service.answers.lexicon import rx

# About the shop, an account, prices or coupons rather than a parcel ("实体店在哪", "refund for a coupon"):
# unknown, unless the message also talks about a parcel.
NOT_PARCEL = rx(
    r"(实体店|门店|店铺|你们店)(在哪|地址)",
    r"优惠券",
    r"积分",
    r"发票",
    r"账号",
    r"密码",
    r"coupon",
    r"invoice",
    r"password",
    r"account",
    r"loyalty points",
)

# A clause about the goods, the price or the paperwork rather than the parcel's journey: 上新, 尺码, 颜色,
# 多少钱, 优惠券, 发票, 发错货, "restock", "in blue". Such a clause is left out of the intent reading, and a
# message made of such clauses and remarks ("收到了 顺便问下什么时候上新") stays unknown.
PRODUCT = rx(
    r"上新",
    r"新品",
    r"(补|有)货(了)?(吗|没|么|不)",
    r"补货",
    r"现货",
    r"库存",
    r"尺码",
    r"码数",
    r"[0-9]+码",
    r"[大小中细]码",
    r"尺寸",
    r"颜色",
    r"[黑白红蓝绿灰粉紫黄]色",
    r"款式",
    r"多少钱",
    r"价(格|钱)",
    r"便宜",
    r"(打|几)折",
    r"折扣",
    r"折头",
    r"优惠",
    r"券",
    r"返现",
    r"好评",
    r"发票",
    r"统编",
    r"抬头",
    r"收据",
    r"积分",
    r"会员",
    r"怎么(洗|用|保养|选)",
    r"保养",
    r"掉色",
    r"缩水",
    r"保修",
    r"说明书",
    r"小样",
    r"赠品",
    r"试用装",
    r"电子版",
    r"(安装|使用)(教程|方法|视频)",
    r"\b(manual|instructions)\b",
    r"发错(货|了|颜色|款|码)",
    r"发的不是",
    r"(和|跟)(图片|描述|直播间).{0,4}不一样",
    r"直播间",
    r"\b(coupon|promo|discount|voucher|invoice|warranty|guarantee|refills?|restock|tax)\b",
    r"(?<!confirm )(?<!confirm the )\breceipt\b",
    r"\bprice\b",
    r"\bin (stock|blue|red|black|white|navy|green|size)\b",
    r"\b(does|do|will|can) (it|they|this|these|that) come in\b",
    r"\bcomes? in (other|different|more|any) (colou?rs?|sizes?)",
    r"\bsize\b",
    r"colou?r",
    r"gift wrap",
    r"refund the (difference|extra|excess)",
    r"(deducted|charged|paid) twice",
    r"double (charged|charge|payment)",
    r"opening hours",
    r"\b(item|product|quality|goods|everything) (is )?(very |so |really |super )?(nice|good|great|beautiful|lovely)\b",
    r"\bbuy again\b",
    r"waterproof",
    r"(plastic|eco|recyclable|plastic-free|gift) packag",
    r"packaging (material|options)",
    r"\b(material|fabric|cotton|washable)\b",
    r"physical (store|shop)",
    r"(store|shop|showroom) (address|location)",
    r"how (to|do i|can i|should i) (connect|use|install|set ?up|wash|charge|assemble|pair|turn on|clean|operate)",
    r"\b(wifi|bluetooth)\b",
    r"order history",
    r"(office|business|working) hours",
    r"customer service (hours|number|phone|email)",
    r"price (drop|match|protection|adjust)",
    r"差价",
    r"保价",
    r"sent (me )?(a |the )?\w+ instead of",
    r"\b(small|medium|large|xl|xs|xxl)\b",
    r"wrong (item|size|colou?r|product)",
    r"\bsell\b",
    r"loyalty points",
    r"password",
)

PARCEL_WORD = rx(
    r"快递",
    r"包裹",
    r"物流",
    r"单号",
    r"退货",
    r"寄回",
    r"签收",
    r"parcel",
    r"package",
    r"delivery",
    r"tracking",
    r"shipping",
    r"returned (item|parcel|package)",
)

# Postage: "买多少钱包邮" asks about shipping, not the goods' price.
FEE = rx(
    r"包邮", r"运费", r"邮费", r"(shipping|delivery) (fee|cost|charge)", r"free (shipping|delivery)", r"\bpostage\b"
)

# A clause that only thanks, praises or says it came ("收到了", "谢谢老板 很喜欢", "got it thanks"): no question
# about a parcel; when no rule fits the rest of the message, it is unknown rather than the classifier's guess.
REMARK = rx(
    r"^(已经|都)?收到(了|啦|咯|喽)?(东西|货)?$",
    r"^(谢谢|多谢|感谢|谢了|辛苦了?)(你|您|你们|老板|亲|客服|了)*(啦|哈|呀|哦|啊)?$",
    r"^(东西|质量|宝贝|货)?(也)?(很|非常|超|好|挺)?(喜欢|满意|好看|不错|好用|好)(的)?(啦|哈|呀|哦|啊)?$",
    r"^(物流|快递|发货|速度|送货)(也)?(很|挺|超|非常|蛮|好|真)?(快|给力|不错|迅速)(的)?(啦|哈|呀|哦|啊)?$",
    r"^(delivery|shipping) was (quick|fast|great|super fast)\b.{0,12}$",
    r"^(got it|received( it)?|it (came|arrived)( fine| today| safely| ok)?|arrived (fine|safely|ok))"
    r"( thanks?| thank you| ty)?!*$",
    r"^(thanks?|thank you|thx|ty|cheers|love it|great|perfect|awesome)\b.{0,20}$",
    r"^(yes|ok|okay|ya|yeah)\s+(got it|received( it)?|thanks?|thank you)\b.{0,30}$",
)

# A greeting on its own ("hello", "亲", "在吗"): no question, and no sign of what the message is about.
GREETING = rx(
    r"^(hi|hello|hey|hallo|good (morning|afternoon|evening)|dear (sir|madam|team))\W*$",
    r"^(你好|您好|在吗|在不在|哈喽|嗨|亲|亲亲)\W*$",
)

# A line pasted from a tracking page or an SMS rather than typed by the buyer: 【物流详情】, a timestamp, 运单号,
# 签收人：, "Delivered, left at front door". It is context (it can show the parcel delivered) but asks nothing.
PASTED = rx(
    r"^【[^】]{0,12}】",
    r"^(sms|email|e-mail|notification|app)\s*:",
    r"^your (parcel|package|order|shipment)\b.{0,60}\b(delivered|collected|out for delivery|in transit|on its way|"
    r"arrived|picked up|has been)\b",
    r"^(j&t|dhl( express)?|spx|ups|fedex|usps|ninja ?van|lalamove|sf( express)?|shopee express|lazada|ems|pos ?laju|"
    r"gdex|city-?link|aramex|royal mail|evri|dpd|yodel|canada post|australia post|auspost)\b.{0,12}:",
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}",
    r"\d{1,2}:\d{2}",
    r"(运单号|快递单号|签收人|派件员|派送员|快件|包裹)[：:]",
    r"^(已签收|已送达|已配达|已到达|派送中|运输中|已揽收|已发出|快件已)",
    r"^(delivered|out for delivery|in transit|shipment (held|delivered|picked up)|arrived at|departed|"
    r"label created|exception)\b.{0,60}$",
    r"^\"[^\"]{3,80}\"",
)
