"""Existing 揭榜挂帅 panels and scores move to the generic review tables, and back.

Runs on PostgreSQL when the tests use it (a database of its own), on a SQLite file otherwise.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from app.core.db import build_engine, utcnow
from app.core.migrate import alembic_config
from app.models import (
    Challenge,
    ChallengeApplication,
    ChallengePanel,
    Listing,
    Organization,
    ReviewMember,
    ReviewScore,
    User,
)
from tests import live_server

BEFORE = "9f4a2c6e8b13"  # the revision before the generic review tables

OLD_MEMBER = sa.table(
    "challenge_panel_member",
    sa.column("id", sa.Integer()),
    sa.column("panel_id", sa.Integer()),
    sa.column("expert_id", sa.Integer()),
    sa.column("status", sa.String()),
    sa.column("conflicts", sa.JSON()),
)
OLD_SCORE = sa.table(
    "challenge_score",
    sa.column("id", sa.Integer()),
    sa.column("application_id", sa.Integer()),
    sa.column("expert_id", sa.Integer()),
    sa.column("items", sa.JSON()),
    sa.column("total", sa.Numeric(6, 2)),
    sa.column("created_at", sa.DateTime()),
    sa.column("updated_at", sa.DateTime()),
)
REASON = "所在机构“长春理工大学”是揭榜单位"
ITEMS = [
    {"name": "技术先进性", "weight": 60, "score": 85, "comment": "方案成熟"},
    {"name": "产业化能力", "weight": 40, "score": 77, "comment": "团队有经验"},
]


def _old_panel(conn: sa.Connection) -> dict[str, int]:
    def add(table: sa.Table, **values: object) -> int:
        return int(conn.execute(sa.insert(table).values(**values)).inserted_primary_key[0])

    org = add(
        Organization.__table__,
        name="长春理工大学",
        credit_code="12220000412755397X",
        org_type="university",
        region_code="220104",
    )
    expert = add(User.__table__, email="old.expert@example.cn", name="老专家", password_hash="x")
    other = add(User.__table__, email="old.expert2@example.cn", name="回避专家", password_hash="x")
    listing = add(
        Listing.__table__,
        kind="challenge",
        title="激光雷达点云实时分割",
        summary="榜单",
        region_code="220104",
        org_id=org,
        owner_id=expert,
    )
    add(
        Challenge.__table__,
        id=listing,
        reward=Decimal("500000"),
        application_deadline=date(2026, 6, 30),
    )
    application = add(
        ChallengeApplication.__table__,
        challenge_id=listing,
        org_id=org,
        created_by_id=expert,
        title="点云分割方案",
    )
    panel = add(ChallengePanel.__table__, challenge_id=listing)
    conn.execute(
        sa.insert(OLD_MEMBER),
        [
            {
                "id": 41,
                "panel_id": panel,
                "expert_id": expert,
                "status": "eligible",
                "conflicts": [],
            },
            {
                "id": 42,
                "panel_id": panel,
                "expert_id": other,
                "status": "excluded",
                "conflicts": [REASON],
            },
        ],
    )
    now = utcnow()
    conn.execute(
        sa.insert(OLD_SCORE).values(
            id=77,
            application_id=application,
            expert_id=expert,
            items=ITEMS,
            total=Decimal("81.80"),
            created_at=now,
            updated_at=now,
        )
    )
    return {"challenge": listing, "application": application, "expert": expert, "other": other}


def test_panels_and_scores_move_to_the_review_tables_and_back(tmp_path: Path) -> None:
    with live_server.unmigrated_database(tmp_path, "reviews") as url:
        config = alembic_config(url)
        command.upgrade(config, BEFORE)
        engine = build_engine(url)
        try:
            with engine.begin() as conn:
                ids = _old_panel(conn)
            command.upgrade(config, "head")
            with engine.connect() as conn:
                members = conn.execute(
                    sa.select(ReviewMember.__table__).order_by(ReviewMember.id)
                ).all()
                [score] = conn.execute(sa.select(ReviewScore.__table__)).all()
            assert [(m.id, m.subject_type, m.subject_id, m.expert_id) for m in members] == [
                (41, "challenge", ids["challenge"], ids["expert"]),
                (42, "challenge", ids["challenge"], ids["other"]),
            ]
            assert [m.status for m in members] == ["eligible", "excluded"]
            assert members[1].conflicts == [REASON]
            assert (score.id, score.subject_id, score.entry_id) == (
                77,
                ids["challenge"],
                ids["application"],
            )
            assert score.items == ITEMS and score.total == Decimal("81.80")
            with engine.begin() as conn:  # new rows get ids after the copied ones
                new_id = conn.execute(
                    sa.insert(ReviewMember.__table__).values(
                        subject_type="call",
                        subject_id=1,
                        expert_id=ids["expert"],
                        status="eligible",
                        conflicts=[],
                    )
                ).inserted_primary_key[0]
                assert new_id > 42
                conn.execute(sa.delete(ReviewMember.__table__).where(ReviewMember.id == new_id))

            command.downgrade(config, BEFORE)
            with engine.connect() as conn:
                back = conn.execute(sa.select(OLD_MEMBER).order_by(OLD_MEMBER.c.id)).all()
                [old_score] = conn.execute(sa.select(OLD_SCORE)).all()
            assert [(m.id, m.expert_id, m.status) for m in back] == [
                (41, ids["expert"], "eligible"),
                (42, ids["other"], "excluded"),
            ]
            assert (old_score.id, old_score.application_id) == (77, ids["application"])
        finally:
            engine.dispose()
