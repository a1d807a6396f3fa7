"""What 专利查新 tells people: the agency of a new commission and a report to review, the
requester of an issued report."""

from app.notifications.kinds import kind

COMMISSIONED = kind(
    "novelty.commissioned",
    "新的查新委托",
    title="新的查新委托：{project}",
    body="查新目的：{purpose}；查新点 {points} 个。",
    mail=False,
)
FOR_REVIEW = kind(
    "novelty.for_review",
    "查新报告待审核",
    title="查新报告待审核：{project}",
    body="查新员已提交报告初稿，请审核后出具报告或退回修改。",
    mail=False,
)
ISSUED = kind(
    "novelty.issued",
    "查新报告已出具",
    title="查新报告已出具：{project}",
    body="报告编号 {report_no}。",
)
