"""Expert (and broker) profiles: the fields and keywords that experts are matched by."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.core import audit, versioning
from app.core.audit import Actor
from app.core.errors import InvalidInput, NotFound
from app.core.pagination import Paged, Pagination, paginate
from app.core.permissions import Action, authorize
from app.core.regions import REGIONS
from app.matching import repository
from app.models import ExpertProfile, User
from app.models.enums import Role
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


def of_user(session: Session, user_id: int) -> ExpertProfile | None:
    return repository.expert_profile(session, user_id)


def own(session: Session, user: User) -> ExpertProfile | None:
    """The expert's or broker's own profile, for their form (403 for other roles)."""
    authorize(user, Action.EXPERT_PROFILE_EDIT, user)
    return repository.expert_profile(session, user.id)


def public(session: Session, user_id: int) -> ExpertProfile:
    """An expert's profile as the match list links to it."""
    profile = repository.expert_profile(session, user_id)
    if profile is None or profile.user.role != Role.EXPERT or not profile.user.is_active:
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
    """The public expert directory: active experts, filtered by field, region and words."""
    stmt = repository.experts_statement(field_code=field_code, region_code=region_code, q=q)
    return paginate(session, stmt, pagination)


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
    if before is not None and any(before[k] != getattr(profile, k) for k in FIELD_LABELS):
        profile.version += 1
    audit.record(
        session,
        actor,
        "expert_profile.save",
        profile,
        summary=f"更新{owner.name}的专家档案",
        before=before,
        after=audit.snapshot(profile),
    )
    return profile
