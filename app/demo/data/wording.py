"""The wording of the demo achievements: title patterns by form, the people, how each kind of
holder opens a summary and lays out a description, pilot and price wording, benefits, patent
titles, and why a listing was returned or closed."""

from __future__ import annotations

from app.models.enums import MaturityStage, OrgType

ACHIEVEMENT_TITLES: dict[str, tuple[str, ...]] = {
    "mat": ("{n}", "{n}制备技术", "一种{n}及其制备方法", "{n}规模化制备工艺", "{n}研制及产业化"),
    "dev": ("{n}", "{n}研制", "{n}关键技术及样机", "{n}设计与制造技术", "{n}研发及产业化"),
    "proc": ("{n}技术", "{n}技术及应用", "{n}关键技术", "{n}新工艺", "{n}技术研究与示范"),
    "sys": ("{n}", "{n}关键技术", "{n}研发与应用", "{n}技术开发与示范应用"),
    "sw": ("{n}", "{n}算法及软件", "{n}方法", "{n}技术与软件平台"),
    "drug": ("{n}", "{n}制备工艺", "{n}临床前研究成果", "{n}的研究与开发"),
    "kit": ("{n}", "{n}及其制备方法", "{n}研制", "{n}的研制与临床验证"),
    "food": ("{n}", "{n}加工技术", "{n}生产工艺", "{n}制备工艺及应用"),
    "var": ("{n}", "{n}及配套栽培技术"),
    "plat": ("{n}", "{n}研发与应用", "{n}及其应用", "{n}建设与示范"),
}

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
    "贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
    "雷钱汤尹黎易常武乔贺赖龚文庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍韦申尤毕聂柴焦"
)
GIVEN = [
    "建华",
    "志远",
    "晓东",
    "海涛",
    "丽萍",
    "文博",
    "雪松",
    "俊杰",
    "春雷",
    "玉洁",
    "宏伟",
    "明轩",
    "思琪",
    "国庆",
    "立新",
    "红梅",
    "振宇",
    "宇航",
    "欣然",
    "博文",
    "雅琴",
    "晨阳",
    "立军",
    "桂芳",
    "丹",
    "磊",
    "鹏",
    "静",
    "洋",
    "婷",
    "超",
    "勇",
    "敏",
    "颖",
    "军",
    "涛",
    "斌",
    "琳",
    "楠",
    "昊",
    "东升",
    "光明",
    "德林",
    "永刚",
    "秀兰",
    "淑珍",
    "佳慧",
    "子豪",
    "一鸣",
    "天宇",
    "梦瑶",
    "雨桐",
    "浩然",
    "嘉怡",
    "凤霞",
    "松涛",
    "万里",
    "铁军",
    "亚楠",
    "春燕",
    "晓光",
    "冬梅",
    "广辉",
    "学军",
    "金龙",
    "玉霞",
    "立华",
    "志刚",
    "海燕",
    "晓峰",
    "文静",
    "国华",
    "树森",
    "景和",
    "绍文",
    "庆丰",
    "云飞",
    "少华",
    "继红",
    "明辉",
    "晓宇",
    "瑞雪",
    "思远",
    "泽宇",
    "慧敏",
    "鹤鸣",
    "柏林",
]

TEAM_TITLE = {
    OrgType.UNIVERSITY: "教授团队",
    OrgType.INSTITUTE: "研究员团队",
    OrgType.NEW_RD: "高级工程师团队",
    OrgType.ENTERPRISE: "带领的公司研发团队",
}

SUMMARY_OPENINGS = (
    "{holder}{lead}{team}针对{problem}的问题，{method}，{effect}。",
    "{problem}。{holder}{lead}{team}{method}，{effect}。",
    "本成果面向{scenario}等应用，{method}。{effect}，{advantage}。",
    "本成果由{holder}研发，{method}，解决了{problem}的问题，{effect}。",
    "面向{scenario}，{holder}{lead}{team}{method}，{effect}。",
    "现有技术中，{problem}。本成果{method}，经测试{effect}。",
    "成果简介：{method}。主要指标：{effect}。适用于{scenario}。",
)

# How each holder lays out a description: (heading format, section names, numbering style).
HOUSE_STYLES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "jlu": (
        "【{}】\n",
        ("成果简介", "技术方案", "技术指标", "应用前景", "成熟度", "合作方式"),
        "1.",
    ),
    "cust": (
        "{}\n",
        (
            "一、项目简介",
            "二、技术特点",
            "三、主要指标",
            "四、应用领域",
            "五、成熟程度",
            "六、转化方式",
        ),
        "（1）",
    ),
    "ccut": (
        "{}：",
        ("成果概述", "技术创新点", "技术指标", "推广应用", "目前进展", "合作方式"),
        "1)",
    ),
    "ciomp": (
        "■ {}\n",
        ("技术背景", "技术内容", "性能指标", "市场前景", "产业化情况", "合作方式"),
        "1.",
    ),
    "ciac": (
        "【{}】\n",
        ("研究背景", "技术内容", "关键指标", "应用领域", "研发阶段", "知识产权及转化方式"),
        "（1）",
    ),
    "icv": (
        "{}\n",
        ("背景与痛点", "解决方案", "核心指标", "落地场景", "验证情况", "合作模式"),
        "·",
    ),
}
DEFAULT_STYLE = (
    "【{}】\n",
    ("技术背景", "技术方案", "主要技术指标", "应用前景", "成熟度", "合作方式"),
    "1.",
)

PILOT_STATUS: dict[MaturityStage, tuple[str, ...]] = {
    MaturityStage.LAB: (
        "已完成实验室原理验证，制备样品{n}批，关键性能经第三方检测机构测试。",
        "处于实验室研究阶段，已完成原理样机和关键性能测试，尚需中试验证。",
    ),
    MaturityStage.SMALL_PILOT: (
        "已完成小试，累计试制样品{n}批次，性能稳定，正在寻求中试合作方。",
        "小试工艺已定型，形成工艺规程草案，具备开展中试的条件。",
    ),
    MaturityStage.PILOT: (
        "已在合作企业完成中试，连续运行{n}天，工艺参数基本定型。",
        "已建成中试线并完成{n}批次中试验证，产品通过用户试用。",
    ),
    MaturityStage.INDUSTRIAL: (
        "已在{n}家企业实现产业化应用，产品批量供货。",
        "已形成批量生产能力，累计销售收入超过{m}千万元。",
    ),
}

TRL = {
    MaturityStage.LAB: (3, 4),
    MaturityStage.SMALL_PILOT: (5, 5),
    MaturityStage.PILOT: (6, 7),
    MaturityStage.INDUSTRIAL: (8, 9),
}
PRICE_WAN = {
    MaturityStage.LAB: (10, 80),
    MaturityStage.SMALL_PILOT: (30, 200),
    MaturityStage.PILOT: (50, 500),
    MaturityStage.INDUSTRIAL: (100, 1000),
}

# "forms|text" lines suit those forms only (see ``fitting``).
BENEFITS = (
    "mat food proc drug kit dev sys|成果转化后，预计可形成年产值约{rev}万元，新增利税约{tax}万元，带动就业{jobs}人。",
    "mat food proc drug kit dev|按建设{lines}条生产线测算，达产后年销售收入约{rev}万元，投资回收期约{years}年。",
    "mat food drug kit dev sys sw|国内相关市场规模约{market}亿元，若实现{share}%的市场占有率，年销售收入可达{market_rev}万元。",
    "proc sys sw plat|用户企业应用后，每年可节约生产和运维成本约{save}万元。",
    "dev sys|与进口产品相比价格降低{cut}%以上，按年销售{qty}台（套）计算，可为下游用户节约采购成本约{save}万元。",
    "mat food|按年产{tons}吨计算，年销售收入约{rev}万元，毛利率约{margin}%。",
    "sw plat|按每年推广{users}家用户计算，可实现软件销售和服务收入约{rev}万元。",
    "var|在适宜区域推广种植后，按每亩增收{per_mu}元计算，每年可为种植户增收{rev}万元以上。",
)

# Invention and utility-model titles per form; {n} the topic, {k} its first keyword.
PATENT_TITLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "mat": (
        ("一种{n}及其制备方法", "一种{n}的制备方法", "一种{k}的检测方法"),
        ("一种{k}生产装置",),
    ),
    "food": (
        ("一种{n}及其制备方法", "一种{n}的制备方法", "一种{k}的检测方法"),
        ("一种{k}生产装置",),
    ),
    "kit": (("一种{n}及其制备方法", "一种{k}的检测方法"), ()),
    "drug": (("一种{n}及其制备方法", "一种{n}的制备方法", "一种{k}的检测方法"), ()),
    "dev": (
        ("一种{n}", "一种{n}的控制方法", "一种{n}的制造方法"),
        ("一种{n}的安装结构", "一种用于{n}的测试装置"),
    ),
    "sys": (("一种{n}方法及系统", "一种{n}装置"), ("一种用于{n}的传感装置",)),
    "proc": (("一种{n}的方法", "一种{n}的工艺参数优化方法"), ("一种用于{n}的装置",)),
    "sw": (("一种{n}方法", "一种{n}方法、装置及存储介质"), ()),
    "plat": (("一种{n}的数据管理方法",), ()),
    "var": (("一种{n}的选育方法",), ()),
}

RETURN_REASONS: dict[str, tuple[tuple[str, str], ...]] = {
    "achievement": (
        ("incomplete", "请补充主要技术指标和中试情况。"),
        ("no_advantage", "技术优势部分只描述了功能，请与现有主流方案对比说明。"),
        ("price", "标价与成熟度不匹配，请核实后修改或改为面议。"),
        ("ip_unclear", "专利权人与发布单位不一致，请补充权属说明或转让协议。"),
        ("unclear", "技术方案描述过于笼统，请说明关键工艺路线和核心参数。"),
        ("wrong_field", "请核对技术领域，建议选择更具体的二级领域。"),
    ),
    "demand": (
        ("incomplete", "请补充需要达到的技术指标和交付要求。"),
        ("price", "预算区间跨度过大，请细化预算。"),
        ("unclear", "需求描述不够具体，请说明现有工艺条件和具体问题。"),
        ("contact", "联系电话无法接通，请核实联系方式。"),
    ),
}
CLOSE_REASONS: dict[str, tuple[str, ...]] = {
    "achievement": (
        "已完成转化或签约：已与本地企业签订技术许可合同",
        "已完成转化或签约：以作价入股方式与企业合作成立项目公司",
        "主动撤回：团队正在进行技术升级，完成后重新发布",
    ),
    "demand": (
        "需求已解决：已与高校团队签订技术开发合同",
        "需求已解决：通过平台对接找到合作单位",
        "信息已过时：公司调整了产品规划",
    ),
    "challenge": ("需求已解决：已确定揭榜团队并签订合作协议",),
}
