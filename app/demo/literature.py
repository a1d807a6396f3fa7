"""Demo literature (论文) beside the demo patents, so a demo 查新 finds papers too.

Written for the demo: titles, authors and journals are invented, in the style of Chinese
journals of the fields the demo organisations work in.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from app.core.outbox import enqueue
from app.models import Literature

# (文献编号, 题名, 作者, 刊名, 年份, 摘要, 关键词)
PAPERS = [
    (
        "DEMO-LIT-2021-001",
        "空间相机碳化硅主镜轻量化筋板拓扑优化",
        "周海涛；孙丽娜；陈宇",
        "光学精密工程",
        2021,
        "针对空间相机大口径主镜的减重需求，以碳化硅为镜坯材料，比较了三角形、扇形与六边形筋板的"
        "比刚度，提出三角形与六边形混合排布的背部筋板，并以面形误差为约束进行拓扑优化。"
        "仿真表明，在自重与热载荷下面形均方根误差小于十五分之一波长，减重率达百分之六十二。",
        "碳化硅反射镜；轻量化；拓扑优化；空间相机",
    ),
    (
        "DEMO-LIT-2022-002",
        "浑浊水体中主动偏振成像的后向散射抑制方法",
        "高明；李思雨",
        "红外与激光工程",
        2022,
        "水下成像受后向散射影响对比度低。本文搭建了基于分焦平面偏振相机的主动照明成像系统，"
        "利用四个偏振方向图像估计散射光的偏振度，通过偏振差分去除后向散射，"
        "在浊度为二十的水槽实验中目标对比度提高了三倍以上。",
        "偏振成像；水下探测；后向散射；图像增强",
    ),
    (
        "DEMO-LIT-2020-003",
        "秸秆还田配施缓释氮肥对黑土氮素供应的影响",
        "王春雷；赵丹；刘洋",
        "土壤学报",
        2020,
        "在东北黑土区开展连续三年的田间试验，研究玉米秸秆粉碎还田条件下配施包膜缓释尿素和腐熟菌剂"
        "对土壤无机氮动态的影响。结果表明，秸秆还田配施缓释氮肥使拔节期至灌浆期土壤氮素供应更平稳，"
        "在减氮百分之十五时产量不降低。",
        "秸秆还田；缓释氮肥；黑土；氮素供应",
    ),
    (
        "DEMO-LIT-2023-004",
        "动力电池包液冷板流道设计与温度均匀性研究",
        "张博；何晓东",
        "汽车工程",
        2023,
        "为改善动力电池包在快充工况下的温度均匀性，设计了并联蛇形与渐变截面两类液冷板流道，"
        "通过数值模拟与台架试验比较了压降和最大温差。渐变截面流道在压降增加百分之八的情况下，"
        "使电池模组最大温差由六度降至三度以内。",
        "动力电池；液冷板；热管理；温度均匀性",
    ),
    (
        "DEMO-LIT-2022-005",
        "基于机器视觉的汽车焊点缺陷在线检测",
        "李军；吴晓雪；马驰",
        "仪器仪表学报",
        2022,
        "针对白车身点焊质量人工抽检效率低的问题，提出一种基于深度卷积网络的焊点图像缺陷检测方法，"
        "在产线上用工业相机采集焊点图像，识别虚焊、烧穿和飞溅三类缺陷，检出率达到百分之九十七，"
        "单帧处理时间小于五十毫秒。",
        "机器视觉；点焊；缺陷检测；深度学习",
    ),
    (
        "DEMO-LIT-2021-006",
        "人参皂苷超声辅助提取工艺优化",
        "金美玲；朴成浩",
        "食品科学",
        2021,
        "以吉林人参须根为原料，采用响应面法优化超声辅助乙醇提取人参总皂苷的工艺条件，"
        "考察乙醇体积分数、料液比和超声时间的影响。在最佳条件下总皂苷得率较传统回流提取提高百分之二十一，"
        "提取时间缩短至四十分钟。",
        "人参皂苷；超声提取；响应面；工艺优化",
    ),
]


def load_literature(session: Session, progress: Callable[[str], object]) -> None:
    """Six papers of the fields of the demo patents and achievements."""
    session.add_all(
        Literature(
            ref_no=ref_no,
            title=title,
            authors=authors,
            venue=venue,
            year=year,
            abstract=abstract,
            keywords=keywords,
        )
        for ref_no, title, authors, venue, year, abstract, keywords in PAPERS
    )
    session.flush()
    enqueue(session, "literature.imported", {"count": len(PAPERS)})
    progress(f"文献 {len(PAPERS)} 篇")
