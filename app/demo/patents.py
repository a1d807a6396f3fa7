"""Demo patents of the demo organisations, linked to their achievements, and the 查新 staff."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts import service as account_service
from app.core.audit import Actor
from app.core.outbox import enqueue
from app.models import Achievement, Organization, Patent, PatentAchievement, PatentClaim
from app.models.enums import PatentLegalStatus, Role
from app.patents.retrieval import is_dependent, split_claims

SEED_ACTOR = Actor(label="演示数据")

# (org, 申请号, 公开号, 标题, 摘要, 权利要求, IPC, 发明人, 申请日, 法律状态)
PATENTS = [
    (
        "中国科学院长春光学精密机械与物理研究所",
        "CN202210345671.2",
        "CN114720123A",
        "一种大口径碳化硅反射镜的轻量化结构及其加工方法",
        "本发明公开了一种大口径碳化硅反射镜的轻量化结构，镜坯背部采用三角形与六边形混合筋板，"
        "在保证面形精度的前提下减重百分之六十以上；加工时先粗磨成形，再经化学气相沉积致密层后精密抛光。",
        "1.一种大口径碳化硅反射镜的轻量化结构，其特征在于，镜坯背部设有三角形与六边形混合排布的筋板。"
        "2.根据权利要求1所述的轻量化结构，其特征在于，筋板厚度由中心向边缘递减。"
        "3.一种权利要求1所述反射镜的加工方法，包括粗磨成形、化学气相沉积致密层和精密抛光。",
        "G02B 5/08",
        "张志强;李文博",
        date(2022, 3, 28),
        PatentLegalStatus.GRANTED,
    ),
    (
        "长春理工大学",
        "CN202310567812.4",
        "CN116520011A",
        "一种基于偏振成像的水下目标探测装置",
        "本发明涉及光电探测领域，提供一种基于偏振成像的水下目标探测装置，利用分焦平面偏振相机同时获取四个偏振方向图像，"
        "通过偏振差分去除后向散射，提高浑浊水体中目标的对比度和探测距离。",
        "1.一种基于偏振成像的水下目标探测装置，其特征在于，包括主动照明光源、分焦平面偏振相机和图像处理单元。"
        "2.根据权利要求1所述的装置，其特征在于，图像处理单元通过偏振差分去除后向散射光。",
        "G01N 21/21",
        "刘志远;王静",
        date(2023, 5, 16),
        PatentLegalStatus.PENDING,
    ),
    (
        "吉林大学",
        "CN202110998765.X",
        "CN113650432A",
        "一种玉米秸秆还田后土壤氮素缓释调控方法",
        "本发明公开了一种玉米秸秆还田后的土壤氮素缓释调控方法，在秸秆粉碎还田时同步施入包膜尿素与微生物腐熟剂，"
        "调节碳氮比，使氮素释放与玉米需肥规律相匹配，减少氮肥用量百分之十五。",
        "1.一种玉米秸秆还田后土壤氮素缓释调控方法，其特征在于，秸秆粉碎还田时同步施入包膜尿素与微生物腐熟剂。"
        "2.根据权利要求1所述的方法，其特征在于，碳氮比调节至二十五比一至三十比一。",
        "A01C 21/00",
        "王海燕;赵宏",
        date(2021, 8, 20),
        PatentLegalStatus.GRANTED,
    ),
    (
        "长春新区智能网联汽车创新研究院",
        "CN202410123456.7",
        "CN117901234A",
        "一种车路协同场景下的多传感器时间同步方法",
        "本发明提供一种车路协同场景下的多传感器时间同步方法，路侧单元以卫星授时为基准，"
        "对激光雷达、毫米波雷达和摄像头的数据帧打上统一时间戳，并补偿网络传输时延，同步误差小于一毫秒。",
        "1.一种车路协同场景下的多传感器时间同步方法，其特征在于，路侧单元以卫星授时为基准为各传感器数据帧打时间戳。"
        "2.根据权利要求1所述的方法，其特征在于，按往返时延的一半补偿网络传输时延。",
        "G08G 1/0967",
        "郑凯;孙磊",
        date(2024, 1, 22),
        PatentLegalStatus.PENDING,
    ),
    (
        "中国科学院长春应用化学研究所",
        "CN202010876543.1",
        "CN112011111A",
        "一种可完全生物降解的聚乳酸增韧改性材料及其制备方法",
        "本发明涉及高分子材料领域，公开了一种聚乳酸增韧改性材料，以聚己二酸对苯二甲酸丁二醇酯和环氧扩链剂为改性组分，"
        "经双螺杆反应挤出制得，断裂伸长率提高至百分之二百以上，仍可在堆肥条件下完全降解。",
        "1.一种可完全生物降解的聚乳酸增韧改性材料，其特征在于，由聚乳酸、聚己二酸对苯二甲酸丁二醇酯和环氧扩链剂组成。"
        "2.一种权利要求1所述材料的制备方法，其特征在于，经双螺杆反应挤出。",
        "C08L 67/04",
        "吴丽娟;陈晨",
        date(2020, 8, 26),
        PatentLegalStatus.GRANTED,
    ),
]

STAFF = [
    ("chaxin@demo.kechuang.cn", "查新员 韩雪", Role.NOVELTY_SEARCHER),
    ("shenhe@demo.kechuang.cn", "审核员 梁文涛", Role.NOVELTY_REVIEWER),
]


def load_patents(session: Session, password: str, progress: Callable[[str], object]) -> None:
    """Five patents of the demo organisations, each linked to one of its achievements."""
    for email, name, role in STAFF:
        account_service.create_user(
            session, SEED_ACTOR, email=email, name=name, password=password, role=role
        )
    for org_name, app_no, pub_no, title, abstract, claims, ipc, inventors, filed, status in PATENTS:
        org = session.scalars(select(Organization).where(Organization.name == org_name)).one()
        patent = Patent(
            application_no=app_no,
            publication_no=pub_no,
            title=title,
            abstract=abstract,
            claims_text=claims,
            ipc_main=ipc,
            ipc_codes=ipc,
            applicants=org_name,
            inventors=inventors,
            application_date=filed,
            publication_date=date(filed.year + 1, filed.month, 1),
            legal_status=status,
            org_id=org.id,
        )
        session.add(patent)
        session.flush()
        session.add_all(
            PatentClaim(patent_id=patent.id, number=n, text=t, independent=not is_dependent(t))
            for n, t in split_claims(claims)
        )
        achievement = session.scalar(
            select(Achievement.id).where(Achievement.org_id == org.id).order_by(Achievement.id)
        )
        if achievement is not None:
            session.add(PatentAchievement(patent_id=patent.id, listing_id=achievement))
    session.flush()
    enqueue(session, "patent.imported", {"count": len(PATENTS)})
    progress(f"专利 {len(PATENTS)} 件，查新员与审核员各 1 名")
