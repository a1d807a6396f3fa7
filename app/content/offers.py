"""What the platform offers under each clause of the policy ("本条可在线办理：…")."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.core.clock import today
from app.incentives import service as incentive_service
from app.services import service as hall_service


@dataclass(frozen=True)
class Offer:
    label: str
    path: str


#: Clause number → the services that carry it out on this platform.
SERVICES: dict[int, list[Offer]] = {
    4: [Offer("揭榜挂帅：发布榜单、在线揭榜", "/challenges")],
    7: [Offer("可转化科技成果项目库", "/achievements")],
    8: [Offer("成果发布会、对接会、路演会报名", "/events"), Offer("技术需求", "/demands")],
    9: [Offer("技术合同登记与交易", "/trading"), Offer("技术转移机构名录", "/orgs")],
    13: [Offer("全站检索", "/search"), Offer("信息发布", "/news")],
    15: [Offer("技术合同认定登记", "/trading")],
    16: [Offer("技术合同认定登记", "/trading")],
    18: [Offer("技术合同认定登记", "/trading")],
    19: [Offer("技术交易撮合", "/trading")],
    27: [Offer("揭榜挂帅", "/challenges")],
}


@dataclass(frozen=True)
class ClauseOffers:
    services: list[Offer]
    #: reward rules citing the clause, as "code title"
    rewards: list[str]

    @property
    def any(self) -> bool:
        return bool(self.services or self.rewards)


def for_clauses(session: Session, numbers: list[int]) -> dict[int, ClauseOffers]:
    rewards: dict[int, list[str]] = {}
    for rule in incentive_service.rules_in_force(session, today()):
        titles = rewards.setdefault(rule.item_no, [])
        if rule.title not in titles:
            titles.append(rule.title)
    hall: dict[int, list[Offer]] = {}
    for item in hall_service.items(session):  # the service hall's items, each on its clause
        hall.setdefault(item.item_no, []).append(
            Offer(f"企业办事：{item.title}", f"/services/items/{item.code}")
        )
    return {
        n: ClauseOffers(services=SERVICES.get(n, []) + hall.get(n, []), rewards=rewards.get(n, []))
        for n in numbers
    }
