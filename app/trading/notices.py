"""What technology trading tells people: the notification kinds of deals and contracts.

Each is sent with ``notifications.send(session, person, KIND, link=..., **fields)`` in the
transaction of the change; people choose per kind how they hear of it.
"""

from __future__ import annotations

from app.notifications.kinds import kind

DEAL_OPENED = kind(
    "deal.opened",
    "新的洽谈意向",
    title="新的洽谈意向：{listing}",
    body="{org}的{name}：{message}",
)
DEAL_MESSAGE = kind(
    "deal.message", "洽谈新留言", title="洽谈“{deal}”有新留言", body="{name}：{message}"
)
DEAL_OFFER = kind("deal.offer", "洽谈新报价", title="洽谈“{deal}”有新报价", body="{text}")
DEAL_OFFER_ACCEPTED = kind(
    "deal.offer_accepted", "报价被接受", title="洽谈“{deal}”的报价已被接受", body="{text}"
)
DEAL_OFFER_REJECTED = kind(
    "deal.offer_rejected", "报价被拒绝", title="洽谈“{deal}”的报价被拒绝", body="{text}"
)
DEAL_BROKER = kind(
    "deal.broker", "被指定为洽谈的技术经纪人", title="您被指定为洽谈“{deal}”的技术经纪人"
)
DEAL_TERMINATED = kind(
    "deal.terminated", "洽谈终止", title="洽谈“{deal}”已终止", body="原因：{reason}"
)
DEAL_COMPLETED = kind("deal.completed", "洽谈履约完成", title="洽谈“{deal}”已履约完成")

CONTRACT_RECORDED = kind(
    "contract.recorded",
    "技术合同已录入",
    title="技术合同“{contract}”已录入",
    body="合同金额 {amount}，可在平台提交认定登记。",
)
CONTRACT_REGISTERED = kind(
    "contract.registered",
    "技术合同完成认定登记",
    title="技术合同“{contract}”已完成认定登记",
    body="登记号 {registration_no}，可在合同页面打印登记证明。",
)
CONTRACT_RETURNED = kind(
    "contract.returned",
    "技术合同认定登记被退回",
    title="技术合同“{contract}”的认定登记被退回",
    body="退回原因：{reason}",
)
CONTRACT_TO_REGISTER = kind(
    "contract.registration",
    "待认定登记的技术合同",
    title="待认定登记：{contract}",
    body="{contract_type}合同，技术交易额 {amount}。",
    mail=False,
)
