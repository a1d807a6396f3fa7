"""What the platform offers under each clause of the policy ("本条可在线办理：…").

Read from the domains that carry the clauses out, through their services: the service hall's
items (each cites its ``item_no``) and the reward rules in force (each cites its clause). The
marketplace functions that have no record of their own to cite are listed here once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.core.clock import today
from app.incentives import service as incentive_service
from app.services import service as hall_service


@dataclass(frozen=True)
class Offer:
    label: str
    path: str


#: Clause number → the marketplace functions that carry it out on this platform.
FUNCTIONS: dict[int, list[Offer]] = {
    2: [Offer("项目管理：自然科学联合基金申报", "/projects?programme=nsf_joint")],
    3: [Offer("项目管理：企业关键核心技术攻关申报", "/projects?programme=enterprise_rd")],
    4: [Offer("揭榜挂帅：发布榜单、在线揭榜", "/challenges")],
    5: [Offer("项目管理：重大科技专项申报", "/projects?programme=major_special")],
    7: [Offer("可转化科技成果项目库", "/achievements")],
    8: [Offer("成果发布会、对接会、路演会报名", "/events"), Offer("技术需求", "/demands")],
    9: [Offer("技术合同登记与交易", "/trading"), Offer("技术转移机构名录", "/orgs")],
    13: [Offer("全站检索", "/search"), Offer("信息发布", "/news")],
    15: [Offer("技术合同认定登记", "/trading")],
    16: [Offer("技术合同认定登记", "/trading")],
    18: [Offer("技术合同认定登记", "/trading")],
    19: [Offer("技术交易撮合", "/trading")],
    24: [Offer("项目管理：国际科技合作项目申报", "/projects?programme=intl_coop")],
    26: [Offer("项目管理：科技型中小企业贷款贴息申报", "/projects?programme=loan_interest")],
    27: [Offer("揭榜挂帅", "/challenges")],
}


@dataclass(frozen=True)
class ClauseOffers:
    #: service-hall items applied for online under the clause (办事指南 pages)
    services: list[Offer] = field(default_factory=list)
    #: marketplace functions that carry the clause out
    functions: list[Offer] = field(default_factory=list)
    #: titles of the reward rules in force citing the clause
    rewards: list[str] = field(default_factory=list)

    @property
    def online(self) -> list[Offer]:
        """Everything "本条可在线办理": the service hall's items first."""
        return self.services + self.functions

    @property
    def any(self) -> bool:
        return bool(self.services or self.functions or self.rewards)


def for_clauses(session: Session, numbers: list[int]) -> dict[int, ClauseOffers]:
    rewards: dict[int, list[str]] = {}
    for rule in incentive_service.rules_in_force(session, today()):
        titles = rewards.setdefault(rule.item_no, [])
        if rule.title not in titles:
            titles.append(rule.title)
    services: dict[int, list[Offer]] = {}
    for item in hall_service.items(session):
        services.setdefault(item.item_no, []).append(
            Offer(item.title, f"/services/items/{item.code}")
        )
    return {
        n: ClauseOffers(
            services=services.get(n, []),
            functions=FUNCTIONS.get(n, []),
            rewards=rewards.get(n, []),
        )
        for n in numbers
    }
