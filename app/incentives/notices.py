"""What 政策奖补 tells the beneficiaries of a claim."""

from __future__ import annotations

from app.notifications.kinds import kind

CLAIM_AVAILABLE = kind(
    "incentive.claim",
    "可申领的奖补",
    title="您有一项可申领的奖补：{rule}",
    body="{contract}：{explanation}",
)
CLAIM_APPROVED = kind(
    "incentive.approved",
    "奖补已核定",
    title="奖补已核定：{contract} {amount}",
    body="核定金额{amount}{adjustment}",
)
CLAIM_REJECTED = kind(
    "incentive.rejected", "奖补未获支持", title="奖补未获支持：{contract}", body="原因：{reason}"
)
CLAIM_PAID = kind("incentive.paid", "奖补已拨付", title="奖补已拨付：{contract} {amount}")
