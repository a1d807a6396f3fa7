"""Items other domains carry out, shown in the hall with the same progress view.

A technical contract's registration (app/trading) and the reward claims it produced
(app/incentives) keep their own flows; the hall reads them through those domains' public
service functions and shows each as the item it is, with its steps and their times.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.core.audit import Actor
from app.core.pagination import Pagination
from app.incentives import service as incentive_service
from app.models import User
from app.models.enums import ClaimStatus, ContractStatus
from app.trading import service as trading_service

#: how many of each a person's hall page shows; the full lists are on /trading and /incentives
SHOWN = 20


def _step(label: str, at: Any, done: bool = True) -> dict[str, Any]:
    return {"label": label, "at": at, "done": done and at is not None}


def contracts(session: Session, user: User) -> list[dict[str, Any]]:
    """The organisation's technical contracts as 技术合同认定登记 cases."""
    page = trading_service.list_contracts(session, Actor(user=user), Pagination(page=1, size=SHOWN))
    rows = []
    for c in page.items:
        steps = [_step("起草合同", c.created_at), _step("提交登记", c.submitted_at)]
        if c.status == ContractStatus.RETURNED:
            steps.append({"label": "退回修改", "at": None, "done": True})
        steps.append(_step("认定登记", c.registered_at))
        rows.append(
            {
                "kind": "contract_registration",
                "item_title": "技术合同认定登记",
                "title": c.title + (f"（{c.registration_no}）" if c.registration_no else ""),
                "status_label": c.status.label,
                "link": f"/contracts/{c.id}",
                "steps": steps,
            }
        )
    return rows


def claims(session: Session, user: User) -> list[dict[str, Any]]:
    """The organisation's (or broker's) reward claims as 科技成果转化奖补申领 cases."""
    page = incentive_service.list_claims(session, user, Pagination(page=1, size=SHOWN), mine=True)
    rows = []
    for claim in page.items:
        decided = "核定" if claim.status != ClaimStatus.REJECTED else "不予"
        rows.append(
            {
                "kind": "reward_claim",
                "item_title": f"成果转化奖补（政策第{claim.item_no}条）",
                "title": claim.contract_label or claim.beneficiary_name,
                "status_label": claim.status.label,
                "link": "/incentives",
                "steps": [
                    _step("登记后自动生成", claim.created_at),
                    _step(decided, claim.decided_at),
                    _step("拨付", claim.paid_at),
                ],
            }
        )
    return rows


def for_user(session: Session, user: User) -> list[dict[str, Any]]:
    return contracts(session, user) + claims(session, user)
