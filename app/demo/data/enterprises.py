"""The enterprises that post technical demands in the demo, and how each of them writes.

Four of them (启明星汽车电子, 光谷精密光学, 禾丰农产品加工, 博瑞生物医药) are among the demo's
original organisations (``app.demo.seed.ORGS``); the others are added by ``NEW_ENTERPRISES``
with an administrator each. ``sectors`` are the topic sectors (``app.demo.data.topics``) an
enterprise asks in (only the topics of the sector's own industry); ``voice`` chooses how its demands are written (``app.demo.demands``):

- ``formal``: a company with a planning department — numbered chapters, "我公司".
- ``sections``: bracketed sections, measured and complete.
- ``plain``: a smaller firm's owner writing in paragraphs, no headings.
- ``engineer``: a technical centre — background, current state, targets, boundary conditions.
- ``brief``: a start-up — one-line need, a short list, little ceremony.
- ``problem``: problem first, then what was tried, then what would count as solved.

``budget`` scales the budgets it offers; ``modes`` are the cooperation modes it prefers.
"""

from __future__ import annotations

from typing import NamedTuple

from app.models.enums import OrgTagKind


class Enterprise(NamedTuple):
    key: str
    name: str
    short: str  # how the company refers to itself in passing
    sectors: tuple[str, ...]
    voice: str
    context: tuple[str, ...]  # the company describing itself, one sentence each
    expectations: tuple[str, ...]  # what it asks of a partner
    budget: float
    modes: tuple[str, ...]


class NewEnterprise(NamedTuple):
    """An organisation the demo adds for the enterprise, with its administrator."""

    key: str
    region: str
    code: str  # first 17 characters of the 统一社会信用代码
    intro: str
    contact: str  # "部门 电话"
    tags: tuple[tuple[OrgTagKind, str], ...]
    email: str
    person: str


J, L, A, T = "joint_development", "license", "assignment", "tech_service"

ENTERPRISES: tuple[Enterprise, ...] = (
    Enterprise(
        "qm",
        "长春启明星汽车电子有限公司",
        "公司",
        ("ev_power", "icv", "auto_parts", "digital", "equipment"),
        "engineer",
        (
            "公司为一汽等整车企业配套车身域控制器、毫米波雷达和线控底盘电子产品，年出货量约80万套",
            "技术中心现有硬件、软件和测试验证三个部门，已通过IATF 16949认证",
        ),
        (
            "合作方需能配合我方完成DV/PV试验，并按汽车行业APQP要求提交过程文件",
            "优先考虑有整车或一级供应商项目经验的团队",
            "样件阶段可接受技术服务方式，定点后转为联合开发",
        ),
        1.0,
        (J, T, L),
    ),
    Enterprise(
        "gg",
        "吉林省光谷精密光学有限公司",
        "本公司",
        ("optics", "laser", "imaging", "inorganic", "equipment"),
        "sections",
        (
            "本公司主要生产高精度光学镜头、红外光学元件和激光加工头，产品用于安防、车载激光雷达和工业检测",
            "本公司拥有冷加工、镀膜和装调车间各一个，月产光学元件约30万片",
        ),
        (
            "希望合作方具备光学设计与检测能力，可提供完整的设计文件和检测报告",
            "可提供生产线和检测设备用于工艺验证",
            "合作成果的知识产权归属可协商，本公司需获得实施权",
        ),
        1.0,
        (J, L, A),
    ),
    Enterprise(
        "hf",
        "长春禾丰农产品加工有限公司",
        "我们",
        ("agrifood", "smart_agri", "biomanufacturing", "environment", "equipment"),
        "plain",
        (
            "我们是德惠的一家玉米深加工和杂粮食品企业，年收储玉米约15万吨",
            "我们有两条杂粮食品生产线和一个玉米淀粉车间，员工三百多人",
        ),
        (
            "希望能派人到厂里来看看，现场把问题弄清楚",
            "最好是省内的团队，售后和调试方便",
            "先小批量试一试，效果好再大面积推广",
        ),
        0.7,
        (T, A, J),
    ),
    Enterprise(
        "br",
        "长春博瑞生物医药科技有限公司",
        "我公司",
        ("pharma", "meddevice", "chemicals", "biomanufacturing"),
        "formal",
        (
            "我公司从事重组蛋白药物和诊断试剂研发生产，拥有通过GMP符合性检查的中试车间",
            "我公司现有在研品种7个，其中2个进入临床阶段，诊断试剂产品已取得医疗器械注册证12项",
        ),
        (
            "合作方须具备相应的GLP或GMP条件，研究数据须满足注册申报要求",
            "合作过程中形成的原始记录和数据归我公司所有",
            "优先考虑有同类品种申报经验的团队",
        ),
        1.5,
        (A, J, L),
    ),
    Enterprise(
        "bf",
        "长春北方新材料科技有限公司",
        "公司",
        (),  # still awaiting verification: it has drafted its first needs only
        "sections",
        ("公司主要从事碳纤维复合材料制品的研发与生产，正在建设第一条预浸料生产线",),
        ("希望合作方有碳纤维或复合材料成型的产业化经验",),
        0.8,
        (J, A),
    ),
    Enterprise(
        "hc",
        "长春恒驰汽车零部件有限公司",
        "公司",
        ("auto_parts", "ev_power", "equipment"),
        "formal",
        (
            "公司是一汽解放、一汽奔腾的一级供应商，主营底盘结构件、车身冲焊件和铝合金压铸件",
            "公司在汽开区和公主岭有两个生产基地，拥有冲压、焊接、压铸和涂装全工序",
        ),
        (
            "合作方应具备材料成型或结构设计方面的研究基础，能进驻生产现场开展工艺试验",
            "开发成果须通过主机厂认可的第三方检测",
            "费用按节点支付，样件验证合格后支付主要款项",
        ),
        1.3,
        (J, T, A),
    ),
    Enterprise(
        "kr",
        "长春凯瑞新能源动力系统有限公司",
        "我司",
        ("ev_power", "energy"),
        "engineer",
        (
            "我司主营新能源商用车动力电池包和储能电池系统的集成，年产能2GWh",
            "我司电池包产品配套城市物流车、电动客车和换电重卡",
        ),
        (
            "需提供台架或实车验证数据，算法类成果需开放源代码或提供可二次开发的接口",
            "合作方需配合通过GB 38031等强制性标准的相关试验",
        ),
        1.2,
        (J, L),
    ),
    Enterprise(
        "hs",
        "长春华晟智驾科技有限公司",
        "我们",
        ("icv", "digital"),
        "brief",
        (
            "我们是一家做港口、园区低速无人驾驶的创业公司，团队40人，已在省内两个园区落地",
            "我们主要做低速无人车的感知、规划和车队调度软件",
        ),
        (
            "能远程协作、两周一个迭代的团队最合适",
            "可以按里程碑付费，也可以谈期权",
        ),
        0.5,
        (J, T),
    ),
    Enterprise(
        "rg",
        "吉林省瑞光激光装备有限公司",
        "本公司",
        ("laser", "equipment"),
        "problem",
        (
            "本公司生产光纤激光切割机、焊接机和激光清洗设备，整机年销量约600台",
            "本公司产品以中功率光纤激光加工装备为主，正在向高功率和智能化方向升级",
        ),
        (
            "合作方需在本公司样机上完成验证，并提供工艺数据库",
            "核心算法须能移植到本公司现有数控系统",
        ),
        1.0,
        (J, L, A),
    ),
    Enterprise(
        "ty",
        "长春天元光电仪器有限公司",
        "我公司",
        ("imaging", "optics", "meddevice"),
        "sections",
        (
            "我公司是专精特新中小企业，主要产品为光谱分析仪、工业内窥镜和机器视觉检测设备",
            "我公司产品面向高校实验室、第三方检测机构和制造企业质检部门",
        ),
        (
            "希望合作方有光电仪器整机开发经验",
            "关键部件最好能实现国产化，便于成本控制和长期供货",
        ),
        0.8,
        (J, L, T),
    ),
    Enterprise(
        "yk",
        "吉林省益康药业股份有限公司",
        "公司",
        ("pharma", "chemicals", "biomanufacturing"),
        "formal",
        (
            "公司是以中成药和化学仿制药为主的制药企业，拥有片剂、胶囊剂、颗粒剂和小容量注射剂生产线",
            "公司有以长白山道地药材为原料的中药品种30余个，其中独家品种5个",
        ),
        (
            "合作方须具备药物研究资质，研究资料须满足药品注册和一致性评价申报要求",
            "技术转让项目须包含完整的工艺验证资料和稳定性研究数据",
        ),
        1.6,
        (A, J, T),
    ),
    Enterprise(
        "kt",
        "长春康泰医疗器械有限公司",
        "我司",
        ("meddevice",),
        "problem",
        (
            "我司生产一次性使用医用耗材和康复辅助器具，产品进入省内200多家医疗机构",
            "我司有十万级洁净车间和环氧乙烷灭菌设施，正在开发二类有源医疗器械",
        ),
        (
            "开发过程须符合医疗器械设计开发控制要求，并配合完成注册检验",
            "希望合作方能协助编写技术要求和临床评价资料",
        ),
        0.8,
        (J, A, T),
    ),
    Enterprise(
        "fg",
        "吉林省丰谷现代农业发展有限公司",
        "合作社和公司",
        ("smart_agri", "agrifood", "environment"),
        "plain",
        (
            "我们在农安和榆树流转土地约3万亩，种玉米、大豆和水稻，还带着周边几个合作社",
            "公司有烘干塔、粮库和农机服务队，给周边农户提供代耕代收服务",
        ),
        (
            "技术得在我们的地里试一季，看实际产量再说",
            "操作要简单，农机手和农户能学会",
            "最好有人能在播种、收获这些关键时候来地里指导",
        ),
        0.5,
        (T, A),
    ),
    Enterprise(
        "bg",
        "长春北国乳业有限公司",
        "公司",
        ("agrifood", "biomanufacturing"),
        "sections",
        (
            "公司在双阳有奶牛养殖牧场和日处理鲜奶300吨的乳品加工厂，产品有液态奶、酸奶和奶酪",
            "公司牧场存栏奶牛4000头，乳品销往东北三省",
        ),
        (
            "合作方需有乳品或发酵食品方面的研究积累",
            "中试可在我公司工厂进行，产品须符合食品安全国家标准",
        ),
        1.0,
        (J, A, T),
    ),
    Enterprise(
        "js",
        "吉林省金穗生物科技有限公司",
        "我司",
        ("biomanufacturing", "agrifood"),
        "engineer",
        (
            "我司以玉米为原料生产氨基酸、有机酸和生物基化学品，发酵罐总容积约6000立方米",
            "我司现有发酵、提取和精制车间，正在规划生物基材料新产线",
        ),
        (
            "需提供菌种或工艺包，并在我司发酵车间完成放大验证",
            "知识产权可采用独占许可或转让方式",
        ),
        1.4,
        (L, A, J),
    ),
    Enterprise(
        "hb",
        "长春华邦高分子材料有限公司",
        "本公司",
        ("polymer", "chemicals", "auto_parts"),
        "problem",
        (
            "本公司生产改性工程塑料和汽车内外饰用复合材料，年产各类改性料3万吨",
            "本公司客户包括主机厂内外饰供应商和家电企业",
        ),
        (
            "配方和工艺须能在双螺杆挤出生产线上稳定实现",
            "希望合作方能提供材料检测数据和车厂材料认证支持",
        ),
        0.9,
        (J, L, A),
    ),
    Enterprise(
        "jy",
        "长春晶研新材料有限公司",
        "我们",
        ("inorganic", "energy"),
        "brief",
        (
            "我们是长春新区的一家新材料企业，做特种陶瓷粉体和光学晶体材料，去年刚完成A轮融资",
            "我们的产品主要是高纯氧化铝粉体、透明陶瓷和闪烁晶体",
        ),
        (
            "愿意和课题组共建联合实验室",
            "成果可以作价入股或按销售额提成",
        ),
        0.8,
        (J, L, A),
    ),
    Enterprise(
        "jg",
        "长春精工重型装备制造有限公司",
        "公司",
        ("equipment", "auto_parts", "digital"),
        "formal",
        (
            "公司主营汽车焊装生产线、冲压自动化线和非标专用设备，承接过多条整车厂焊装线项目",
            "公司是省级“专精特新”企业，拥有机械、电气和软件设计人员约150人",
        ),
        (
            "合作方须能提供从方案设计到现场调试的全过程技术支持",
            "开发的软件和控制程序须提供源代码及使用权",
        ),
        1.2,
        (J, T, A),
    ),
    Enterprise(
        "sl",
        "长春数联软件股份有限公司",
        "我们",
        ("digital", "icv", "smart_agri"),
        "brief",
        (
            "我们做制造企业的MES、设备管理和数据中台，客户以省内汽车零部件和食品企业为主",
            "我们有研发人员90人，产品已完成主流国产操作系统和数据库适配",
        ),
        (
            "算法能封装成服务接口，方便接进我们的平台",
            "希望对方能陪我们在两三家客户那里跑通试点",
        ),
        0.6,
        (J, L, T),
    ),
    Enterprise(
        "qy",
        "长春清源环保科技有限公司",
        "我公司",
        ("environment", "chemicals"),
        "plain",
        (
            "我公司做工业废水处理和固废资源化的工程总包和运营，在省内运营着11个污水处理项目",
            "我公司主要客户是化工园区、食品企业和乡镇污水处理厂",
        ),
        (
            "技术要经过现场中试，出水或处置结果要经第三方检测",
            "运行成本是业主最关心的，方案要算清楚吨水或吨料成本",
        ),
        1.0,
        (T, J, L),
    ),
    Enterprise(
        "ln",
        "吉林省绿能热力集团有限公司",
        "集团",
        ("energy", "environment"),
        "formal",
        (
            "集团是承担长春市部分区域集中供热的国有企业，供热面积约4000万平方米",
            "集团下属热源厂6座、换热站900余座，正在推进清洁供热和智慧供热改造",
        ),
        (
            "合作单位须具备相应的工程设计或系统集成资质",
            "项目实施须符合集团采购管理规定，费用按合同节点支付",
        ),
        2.0,
        (J, T, A),
    ),
)

NEW_ENTERPRISES: tuple[NewEnterprise, ...] = (
    NewEnterprise(
        "hc",
        "220174",
        "91220101MA0Y31452",
        "一汽配套的汽车底盘结构件、车身冲焊件和铝合金压铸件生产企业，正推进零部件轻量化和新能源车型配套。",
        "技术中心 0431-8512xxxx",
        ((OrgTagKind.HIGH_TECH, "GR202322000527"),),
        "hengchi@demo.kechuang.cn",
        "孟庆伟",
    ),
    NewEnterprise(
        "kr",
        "220191",
        "91220101MA0Y52734",
        "新能源商用车动力电池包与储能电池系统集成企业，年产能2GWh。",
        "研发中心 0431-8197xxxx",
        ((OrgTagKind.HIGH_TECH, "GR202422000642"),),
        "kairui@demo.kechuang.cn",
        "韩晓峰",
    ),
    NewEnterprise(
        "hs",
        "220191",
        "91220101MA0Y63815",
        "专注港口与园区低速无人驾驶的科技型创业企业。",
        "产品部 0431-8192xxxx",
        ((OrgTagKind.TECH_SME, "2025220191A0000318"),),
        "huasheng@demo.kechuang.cn",
        "唐一鸣",
    ),
    NewEnterprise(
        "rg",
        "220173",
        "91220101MA0Y74926",
        "光纤激光切割、焊接与清洗装备制造企业，产品销往全国。",
        "研发部 0431-8535xxxx",
        ((OrgTagKind.HIGH_TECH, "GR202222000913"), (OrgTagKind.SPECIALISED, "JLZJTX2024-047")),
        "ruiguang@demo.kechuang.cn",
        "邵东升",
    ),
    NewEnterprise(
        "ty",
        "220173",
        "91220101MA0Y85137",
        "光谱分析仪、工业内窥镜和机器视觉检测设备制造商。",
        "技术部 0431-8537xxxx",
        ((OrgTagKind.SPECIALISED, "JLZJTX2023-205"), (OrgTagKind.TECH_SME, "2024220173A0002087")),
        "tianyuan@demo.kechuang.cn",
        "段佳慧",
    ),
    NewEnterprise(
        "yk",
        "220172",
        "91220101MA0Y96248",
        "以中成药和化学仿制药为主的制药企业，拥有多条GMP生产线。",
        "研究院 0431-8456xxxx",
        ((OrgTagKind.HIGH_TECH, "GR202322000744"),),
        "yikang@demo.kechuang.cn",
        "邱文静",
    ),
    NewEnterprise(
        "kt",
        "220106",
        "91220106MA0Y10359",
        "一次性医用耗材与康复辅助器具生产企业。",
        "质量技术部 0431-8762xxxx",
        ((OrgTagKind.TECH_SME, "2024220106A0000571"),),
        "kangtai@demo.kechuang.cn",
        "庞晓宇",
    ),
    NewEnterprise(
        "fg",
        "220122",
        "91220122MA0Y21460",
        "土地规模经营与农机社会化服务企业，带动周边多个农民专业合作社。",
        "生产部 0431-8628xxxx",
        (),
        "fenggu@demo.kechuang.cn",
        "白树森",
    ),
    NewEnterprise(
        "bg",
        "220112",
        "91220112MA0Y32571",
        "集奶牛养殖与乳品加工于一体的乳制品企业。",
        "品控研发部 0431-8425xxxx",
        ((OrgTagKind.TECH_SME, "2024220112A0000236"),),
        "beiguo@demo.kechuang.cn",
        "常凤霞",
    ),
    NewEnterprise(
        "js",
        "220183",
        "91220183MA1A43682",
        "以玉米为原料的氨基酸、有机酸和生物基化学品生产企业。",
        "技术研发部 0431-8626xxxx",
        ((OrgTagKind.HIGH_TECH, "GR202422001236"),),
        "jinsui@demo.kechuang.cn",
        "武广辉",
    ),
    NewEnterprise(
        "hb",
        "220171",
        "91220101MA0Y54793",
        "改性工程塑料与汽车内外饰复合材料生产企业。",
        "研发中心 0431-8465xxxx",
        ((OrgTagKind.HIGH_TECH, "GR202322000881"),),
        "huabang@demo.kechuang.cn",
        "尹柏林",
    ),
    NewEnterprise(
        "jy",
        "220191",
        "91220101MA0Y65804",
        "特种陶瓷粉体、透明陶瓷与闪烁晶体材料企业。",
        "总经办 0431-8193xxxx",
        ((OrgTagKind.TECH_SME, "2025220191A0000442"),),
        "jingyan@demo.kechuang.cn",
        "俞泽宇",
    ),
    NewEnterprise(
        "jg",
        "220174",
        "91220101MA0Y76915",
        "汽车焊装生产线、冲压自动化线与非标专用设备制造企业。",
        "设计院 0431-8767xxxx",
        ((OrgTagKind.SPECIALISED, "JLZJTX2022-138"), (OrgTagKind.HIGH_TECH, "GR202222001057")),
        "jinggong@demo.kechuang.cn",
        "葛铁军",
    ),
    NewEnterprise(
        "sl",
        "220173",
        "91220101MA0Y87026",
        "面向制造企业的MES、设备管理与工业数据平台软件企业。",
        "解决方案部 0431-8189xxxx",
        ((OrgTagKind.HIGH_TECH, "GR202422001318"), (OrgTagKind.TECH_SME, "2024220173A0003150")),
        "shulian@demo.kechuang.cn",
        "施雨桐",
    ),
    NewEnterprise(
        "qy",
        "220105",
        "91220105MA0Y98137",
        "工业废水处理与固废资源化的工程总包和运营企业。",
        "工程技术部 0431-8468xxxx",
        ((OrgTagKind.HIGH_TECH, "GR202322001092"),),
        "qingyuan@demo.kechuang.cn",
        "聂云飞",
    ),
    NewEnterprise(
        "ln",
        "220104",
        "91220104MA0Y09248",
        "承担城市集中供热的国有热力企业，正推进清洁供热和智慧供热改造。",
        "科技信息部 0431-8523xxxx",
        (),
        "lvneng@demo.kechuang.cn",
        "龚继红",
    ),
)

BY_KEY = {e.key: e for e in ENTERPRISES}
# Asked in the demo before the others came: they keep to the topics that name them.
ORIGINAL_ASKERS = frozenset(BY_KEY) - {n.key for n in NEW_ENTERPRISES}
