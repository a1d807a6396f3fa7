"""Suggesting a technical field for a row that names none."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from search.analysis import default_analyzer

# -- field suggestion -------------------------------------------------------------------------

# Words that point to a field, beyond the field's own name. Keyed by taxonomy code; a field
# added later by administrators is still matched through the words of its name.
FIELD_TERMS: dict[str, tuple[str, ...]] = {
    "F0101": ("5G", "通信", "网络", "光通信", "物联网", "基站", "天线"),
    "F0102": ("芯片", "集成电路", "传感器", "半导体", "光电子", "MEMS", "晶圆", "封装"),
    "F0103": ("软件", "信息系统", "平台", "操作系统", "数据库", "工业软件", "信创"),
    "F0104": ("大数据", "云计算", "云平台", "数据中心", "区块链", "数据治理"),
    "F0105": (
        "人工智能",
        "机器学习",
        "深度学习",
        "神经网络",
        "视觉识别",
        "语音识别",
        "大模型",
        "算法",
    ),
    "F0201": ("数控", "机床", "机器人", "工业机器人", "自动化", "生产线", "智能制造", "装配"),
    "F0202": ("航空", "飞机", "无人机", "航空发动机", "机载"),
    "F0203": ("卫星", "遥感", "北斗", "导航定位", "星载"),
    "F0204": ("轨道交通", "高铁", "动车", "列车", "地铁", "转向架", "轨道客车"),
    "F0205": ("海洋", "船舶", "海工", "深海"),
    "F0301": ("钢铁", "合金", "铝合金", "镁合金", "钛合金", "有色金属", "冶金", "铸造"),
    "F0302": ("化工", "高分子", "树脂", "聚合物", "塑料", "橡胶", "涂料", "催化剂", "聚乳酸"),
    "F0303": ("陶瓷", "玻璃", "无机", "水泥", "耐火材料", "玄武岩"),
    "F0304": ("碳纤维", "复合材料", "纤维", "玻璃纤维", "芳纶"),
    "F0305": ("石墨烯", "纳米材料", "超导", "3D打印", "增材制造", "智能材料", "稀土"),
    "F0401": ("药物", "医药", "疫苗", "抗体", "中药", "制剂", "原料药", "创新药", "靶向", "临床"),
    "F0402": ("医疗器械", "诊断", "影像", "体外诊断", "植入", "康复", "医用", "检测试剂"),
    "F0403": ("育种", "种子", "兽药", "生物农药", "生物肥料", "饲料", "畜牧", "动物疫苗"),
    "F0404": ("生物质", "发酵", "酶制剂", "生物制造", "生物基", "秸秆"),
    "F0501": ("新能源汽车", "电动汽车", "整车", "纯电动", "插电混动"),
    "F0502": ("动力电池", "锂电池", "电池包", "电机", "电驱动", "电控", "电池管理", "BMS"),
    "F0503": ("智能网联", "自动驾驶", "车联网", "激光雷达", "毫米波雷达", "辅助驾驶", "V2X"),
    "F0504": ("汽车零部件", "轻量化", "底盘", "车身", "变速器", "制动", "汽车"),
    "F0601": ("太阳能", "光伏", "电池片", "组件", "光热"),
    "F0602": ("风能", "风电", "风机", "叶片", "风力发电"),
    "F0603": ("氢能", "氢气", "制氢", "储氢", "加氢", "燃料电池", "电解水"),
    "F0604": ("储能", "智能电网", "电网", "配电", "微电网", "液流电池"),
    "F0701": ("节能", "余热", "热泵", "能效", "保温", "变频"),
    "F0702": ("环保", "污水", "废水", "废气", "脱硫", "脱硝", "污染", "土壤修复", "除尘", "VOCs"),
    "F0703": ("资源循环", "回收", "再生", "固废", "尾矿", "综合利用", "再制造"),
    "F08": ("数字创意", "动漫", "游戏", "影视", "虚拟现实", "VR", "AR", "数字内容", "文创"),
    "F09": ("检验检测", "检测服务", "研发设计", "工业设计", "科技服务", "技术咨询", "认证"),
    "F1001": (
        "玉米",
        "大豆",
        "水稻",
        "深加工",
        "精深加工",
        "淀粉",
        "食品",
        "粮食",
        "农产品",
        "酿造",
        "乳制品",
        "肉制品",
        "人参",
        "果蔬",
        "保鲜",
        "饮料",
    ),
    "F1002": ("智慧农业", "农机", "农业机械", "收获机", "播种", "植保", "灌溉", "温室"),
    "F1101": ("光学", "镜头", "光谱", "光谱仪", "透镜", "光学仪器", "干涉", "望远镜"),
    "F1102": ("激光", "激光器", "激光焊接", "激光切割", "焊接", "熔覆", "打标", "光纤激光"),
    "F1103": ("红外", "探测器", "成像", "光电探测", "图像传感", "夜视", "热成像"),
}


# Words of field names that say nothing about the field on their own.
_GENERIC = frozenset(
    [
        "技术",
        "服务",
        "产业",
        "相关",
        "新型",
        "新兴",
        "先进",
        "高端",
        "装备",
        "系统",
        "制品",
        "其他",
        "新一代",
        "核心",
        "高效",
        "前沿",
        "及",
        "和",
        "与",
        "设备",
        "工程",
        "应用",
        "材料",
        "信息",
        "精深",
    ]
)


class FieldSuggester:
    """Scores taxonomy fields against a listing's text with the search analyzer.

    The text is cut as search cuts it: a field scores for each token that is a distinctive word
    of its name, and for each of its words (FIELD_TERMS) that occurs as tokens of the text — so
    "纯化工艺" does not count as "化工". The title and keywords weigh more than the body. The
    best field wins; ties go to the more specific field, then to taxonomy order.
    """

    HEAD_WEIGHT = 3
    BODY_CHARS = 2000  # the start of a long description says enough

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.analyzer = default_analyzer()
        self.order = {code: i for i, code in enumerate(fields)}
        # A field's words as token sequences: one token, or several a term is cut into.
        self.words: dict[tuple[str, ...], set[str]] = {}
        for code, name in fields.items():
            for token in self.analyzer.index_tokens(name):
                if len(token) > 1 and token not in _GENERIC:
                    self.words.setdefault((token,), set()).add(code)
            for term in FIELD_TERMS.get(code, ()):
                tokens = tuple(self.analyzer.query_tokens(term))
                if tokens:
                    self.words.setdefault(tokens, set()).add(code)
        self.longest = max((len(w) for w in self.words), default=1)

    def scores(self, head: str, body: str = "") -> dict[str, int]:
        result: dict[str, int] = {}
        for part, weight in ((head, self.HEAD_WEIGHT), (body[: self.BODY_CHARS], 1)):
            if not part.strip():
                continue
            # Fine-grained tokens find a word inside a longer one (动力电池 in 动力电池包);
            # precise tokens in order find a term jieba cuts into several words.
            found: set[tuple[str, ...]] = {(t,) for t in self.analyzer.index_tokens(part)}
            cut = self.analyzer.query_tokens(part)
            for n in range(2, self.longest + 1):
                found |= {tuple(cut[i : i + n]) for i in range(len(cut) - n + 1)}
            for word in found & self.words.keys():
                for code in self.words[word]:
                    result[code] = result.get(code, 0) + weight
        return result

    def suggest(self, title: str, body: str = "", keywords: Iterable[str] = ()) -> str | None:
        """The most likely field code, or None when nothing in the text points to one."""
        scores = self.scores(" ".join([title, *keywords]), body)
        if not scores:
            return None
        return max(scores, key=lambda c: (scores[c], len(c), -self.order[c]))
