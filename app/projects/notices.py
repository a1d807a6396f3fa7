"""The notifications of 项目管理: one kind per change an applicant or an expert hears of."""

from __future__ import annotations

from app.notifications.kinds import kind

STEP = kind(
    "project.step",
    "项目进度变化",
    title="您的项目“{title}”：{label}",
    body="当前状态：{status}。{note}",
)
UNIT_REVIEW = kind(
    "project.unit_review",
    "待单位审核的项目申报",
    title="“{title}”已提交单位审核",
    body="本单位人员提交了“{call}”的申报书，请审核后报送科技局，或退回修改。",
)
SCORING_OPEN = kind(
    "project.scoring_open",
    "项目评审邀请",
    title="请评审“{call}”的项目申报",
    body="您已被邀请担任该申报指南的评审专家（匿名评审），请按评价指标逐项打分并填写评语。",
)
OBJECTION_FILED = kind(
    "project.objection_filed",
    "立项公示收到异议",
    title="您的项目“{title}”在立项公示中收到异议",
    body="科技局将核实并答复；公示期至 {ends}，有未答复的异议时不能下达任务书。",
)
OBJECTION_ANSWERED = kind(
    "project.objection_answered",
    "异议的答复",
    title="您对“{title}”提出的异议已答复：{decision}",
    body="答复理由：{reasons}",
)
CALL_REVISED = kind(
    "project.call_revised",
    "申报指南更正",
    title="申报指南“{call}”已更正：{changes}",
    body="您有该指南下尚未提交的申报书，请按更正后的指南核对；申报截止日期为 {closes}。",
)
