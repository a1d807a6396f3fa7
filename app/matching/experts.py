"""Expert (and broker) profiles: the fields and keywords that experts are matched by."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core import audit, versioning
from app.core.audit import Actor
from app.core.errors import InvalidInput, NotFound
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize, can
from app.core.regions import REGIONS
from app.matching import repository
from app.models import ExpertProfile, User
from app.models.enums import ResourceStatus, Role
from app.resources.service import review_flow
from app.taxonomy import service as taxonomy

MAX_KEYWORDS = 20
#: Chinese names of the profile's fields, for the message of a refused stale save.
FIELD_LABELS = {
    "title": "职称",
    "institution": "工作单位",
    "field_codes": "技术领域",
    "keywords": "研究方向关键词",
    "bio": "个人简介",
    "region_code": "所在区域",
}


#: A directory entry is reviewed like the resource directories' (events "expert_profile.<action>").
EXPERT_FLOW = review_flow(
    "专家档案",
    "expert_profile",
    lambda user, profile: can(user, Action.EXPERT_PROFILE_EDIT, profile.user),
    lambda profile: profile.user.name,
)


def of_user(session: Session, user_id: int) -> ExpertProfile | None:
    return repository.expert_profile(session, user_id)


def own(session: Session, user: User) -> ExpertProfile | None:
    """The expert's or broker's own profile, for their form (403 for other roles)."""
    authorize(user, Action.EXPERT_PROFILE_EDIT, user)
    return repository.expert_profile(session, user.id)


def public(session: Session, user_id: int, viewer: User | None = None) -> ExpertProfile:
    """An expert's reviewed profile; one not yet published for the expert and its reviewers."""
    profile = repository.expert_profile(session, user_id)
    if profile is None or profile.user.role != Role.EXPERT or not profile.user.is_active:
        raise NotFound("该专家不存在")
    if not (
        profile.is_published
        or can(viewer, Action.EXPERT_PROFILE_EDIT, profile.user)
        or can(viewer, Action.RESOURCE_REVIEW, profile)
    ):
        raise NotFound("该专家不存在")
    return profile


def directory(
    session: Session,
    pagination: Pagination,
    *,
    field_code: str | None = None,
    region_code: str | None = None,
    q: str | None = None,
) -> Paged:
    """The public expert directory: reviewed, active experts, by field, region and words."""
    stmt = repository.experts_statement(field_code=field_code, region_code=region_code, q=q)
    return paginate(session, stmt, pagination)


def review_queue(session: Session, user: User, pagination: Pagination) -> Paged:
    """Expert profiles waiting for review that this member of staff reviews."""
    authorize(user, Action.ADMIN_ACCESS)
    region = None if user.is_platform_admin else (user.region_code or "")
    stmt = repository.experts_statement(statuses=(ResourceStatus.PENDING,), region_of_staff=region)
    return paginate(session, stmt, pagination)


def review(
    session: Session, actor: Actor, user_id: int, action: str, note: str = ""
) -> ExpertProfile:
    """Publish (``approve``) a profile in the directory or return it (``reject``) with why."""
    if action not in ("approve", "reject"):
        raise NotFound("不支持的操作")
    profile = repository.expert_profile(session, user_id)
    if profile is None:
        raise NotFound("该专家不存在")
    if action == "reject" and not note.strip():
        raise InvalidInput(errors={"note": "退回时请写明需要修改之处"})
    profile.review_note = note.strip()[:500]
    profile.reviewed_by_id = actor.user_id
    # Permission (RESOURCE_REVIEW), lock, state, audit, the event "expert_profile.<action>".
    EXPERT_FLOW.run(session, actor, profile, action, note=note.strip()[:500])
    return profile


def withdraw(session: Session, actor: Actor, user_id: int) -> ExpertProfile:
    """The expert takes their entry off the directory (or out of review)."""
    profile = repository.expert_profile(session, user_id)
    if profile is None:
        raise NotFound("该专家不存在")
    EXPERT_FLOW.run(session, actor, profile, "withdraw")
    return profile


def _split(value: list[str] | str) -> list[str]:
    items = (
        value if isinstance(value, list) else value.replace("，", ",").replace("、", ",").split(",")
    )
    out: list[str] = []
    for item in items:
        text = item.strip()
        if text and text not in out:
            out.append(text)
    return out


def save(
    session: Session,
    actor: Actor,
    owner: User,
    *,
    title: str = "",
    institution: str = "",
    field_codes: list[str] | str = "",
    keywords: list[str] | str = "",
    bio: str = "",
    region_code: str | None = None,
    expected_version: int | None = None,
) -> ExpertProfile:
    """Create or update the profile of ``owner`` (the expert or broker themself).

    ``expected_version`` is the version the form showed (0: there was no profile yet); a save
    from an older one is refused (409) naming what changed since.
    """
    authorize(actor.user, Action.EXPERT_PROFILE_EDIT, owner)
    fields = _split(field_codes)
    words = _split(keywords)
    errors: dict[str, str] = {}
    known = taxonomy.names(session, "field")
    if any(code not in known for code in fields):
        errors["field_codes"] = "请选择有效的技术领域"
    if not fields:
        errors["field_codes"] = "请至少选择一个技术领域"
    if not words:
        errors["keywords"] = "请填写研究方向关键词，用逗号分隔"
    elif len(words) > MAX_KEYWORDS or any(len(w) > 20 for w in words):
        errors["keywords"] = f"关键词最多{MAX_KEYWORDS}个，每个不超过20字"
    if len(title) > 60:
        errors["title"] = "职称不能超过60字"
    if len(institution) > 120:
        errors["institution"] = "单位不能超过120字"
    if len(bio) > 2000:
        errors["bio"] = "简介不能超过2000字"
    if region_code and region_code not in REGIONS:
        errors["region_code"] = "请选择有效的区域"
    if errors:
        raise InvalidInput(errors=errors)
    profile = repository.expert_profile(session, owner.id)
    if profile is not None:
        versioning.check(
            session,
            profile,
            expected_version,
            "专家档案",
            FIELD_LABELS,
            what=versioning.ELSEWHERE,
        )
    before = audit.snapshot(profile) if profile else None
    if profile is None:
        profile = ExpertProfile(user_id=owner.id, version=1)
        profile.user = owner
        session.add(profile)
    profile.title = title.strip()
    profile.institution = institution.strip()
    profile.field_codes = fields
    profile.keywords = words
    profile.bio = bio.strip()
    profile.region_code = region_code or None
    changed = before is not None and any(before[k] != getattr(profile, k) for k in FIELD_LABELS)
    if changed:
        profile.version += 1
    if before is None:
        # A new entry of the expert's organisation waits for review (the model's default).
        profile.org_id = owner.active_org_id
    audit.record(
        session,
        actor,
        "expert_profile.save",
        profile,
        summary=f"更新{owner.name}的专家档案",
        before=before,
        after=audit.snapshot(profile),
    )
    if changed and EXPERT_FLOW.can(profile, "revise"):
        # What the directory shows changed: reviewed again before it is shown.
        EXPERT_FLOW.run(session, actor, profile, "revise")
    elif before is not None and EXPERT_FLOW.can(profile, "submit"):
        EXPERT_FLOW.run(session, actor, profile, "submit")
    return profile
