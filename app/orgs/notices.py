"""What organisations are told: verifiers of a new or resubmitted one, members of a decision."""

from app.notifications.kinds import kind

_ASK = "{name}（{org_type}）提交了机构资料，请核对后通过认证或退回。"
PENDING = kind("org.pending", "机构等待认证", title="新机构“{name}”等待认证", body=_ASK)
RESUBMITTED = kind(
    "org.resubmitted", "机构重新提交认证", title="机构“{name}”修改资料后重新提交认证", body=_ASK
)
DECIDED = {
    "verify": kind(
        "org.verify",
        "机构通过认证",
        title="机构“{name}”已通过平台认证",
        body="本机构成员现在可以发布科技成果和技术需求。",
    ),
    "reject": kind(
        "org.reject",
        "机构认证未通过",
        title="机构“{name}”认证未通过",
        body="退回原因：{reason}\n\n请机构管理员按退回原因修改机构资料，保存后将重新提交审核。",
    ),
    "suspend": kind(
        "org.suspend",
        "机构被停用",
        title="机构“{name}”已被停用",
        body="停用原因：{reason}\n\n停用期间本机构不能发布信息，如有疑问请联系平台管理员。",
    ),
    "restore": kind(
        "org.restore", "机构恢复", title="机构“{name}”已恢复", body="本机构成员可以继续发布信息。"
    ),
}
