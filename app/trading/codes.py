"""Code tables the technical-contract statistics ask for, with their Chinese labels.

The tables follow the categories of the national technical-contract registration statistics
(全国技术合同登记统计): contract type, technical field (技术领域), intellectual-property type
(知识产权类型) and the legal-person type (法人类型) of each seller and buyer. Regions use the
administrative division codes in ``app.core.regions``. The export writes code and label side by
side, so a spreadsheet stays readable and the codes stay machine-checkable.
"""

from __future__ import annotations

from app.core.regions import REGIONS
from app.models.enums import ContractType, OrgType

#: 合同类别 (Civil Code, book III chapter 20; 技术入股 agreements are registered on their own line).
CONTRACT_TYPE_CODES: dict[ContractType, tuple[str, str]] = {
    ContractType.DEVELOPMENT: ("1", "技术开发"),
    ContractType.TRANSFER: ("2", "技术转让"),
    ContractType.LICENSE: ("3", "技术许可"),
    ContractType.CONSULTING: ("4", "技术咨询"),
    ContractType.SERVICE: ("5", "技术服务"),
    ContractType.EQUITY: ("6", "技术入股"),
}

#: 技术领域 (the eleven fields of the technical-contract statistics).
TECH_FIELDS: dict[str, str] = {
    "01": "电子信息",
    "02": "航空航天",
    "03": "先进制造",
    "04": "生物、医药和医疗器械",
    "05": "新材料及其应用",
    "06": "新能源与高效节能",
    "07": "环境保护与资源综合利用",
    "08": "核应用技术",
    "09": "农业",
    "10": "现代交通",
    "11": "城市建设与社会发展",
}

#: 知识产权类型.
IP_TYPES: dict[str, str] = {
    "10": "技术秘密",
    "21": "发明专利",
    "22": "实用新型专利",
    "23": "外观设计专利",
    "30": "计算机软件著作权",
    "40": "集成电路布图设计专有权",
    "50": "植物新品种权",
    "60": "生物、医药新品种",
    "90": "其他知识产权",
    "00": "未涉及知识产权",
}

#: 法人类型 of a seller or buyer.
LEGAL_PERSON_TYPES: dict[str, str] = {
    "10": "机关法人",
    "21": "事业法人（科研机构）",
    "22": "事业法人（高等院校）",
    "23": "事业法人（医疗卫生机构）",
    "29": "事业法人（其他）",
    "31": "企业法人（内资企业）",
    "32": "企业法人（港澳台投资企业）",
    "33": "企业法人（外商投资企业）",
    "40": "社会团体法人",
    "50": "其他组织",
    "60": "自然人",
}

#: The legal-person type an organisation of each platform type usually has.
DEFAULT_LEGAL_PERSON_TYPE: dict[OrgType, str] = {
    OrgType.UNIVERSITY: "22",
    OrgType.INSTITUTE: "21",
    OrgType.NEW_RD: "29",
    OrgType.ENTERPRISE: "31",
    OrgType.TRANSFER_AGENCY: "31",
    OrgType.SERVICE_PROVIDER: "31",
    OrgType.GOVERNMENT: "10",
}

#: The statistics field a catalogue field (战略性新兴产业分类, app taxonomy "F..") falls in;
#: longest prefix wins. Used to suggest a contract's field from its achievement.
CATALOGUE_FIELD_TO_TECH_FIELD: dict[str, str] = {
    "F01": "01",
    "F02": "03",
    "F0202": "02",
    "F0203": "02",
    "F0204": "10",
    "F03": "05",
    "F04": "04",
    "F0403": "09",
    "F05": "10",
    "F06": "06",
    "F07": "07",
    "F0701": "06",
    "F08": "01",
    "F09": "11",
    "F10": "09",
}

#: Regions outside the city: parties registered there are not local (在长).
NON_LOCAL_REGIONS = frozenset({"220199"})
#: The city's own code, for a registration number whose registrant is outside the city.
CITY_REGION_CODE = "220100"


def is_local(region_code: str) -> bool:
    return region_code in REGIONS and region_code not in NON_LOCAL_REGIONS


def tech_field_for(catalogue_field: str | None) -> str | None:
    """The statistics field for a catalogue field code, or None."""
    code = catalogue_field or ""
    for length in range(len(code), 0, -1):
        found = CATALOGUE_FIELD_TO_TECH_FIELD.get(code[:length])
        if found:
            return found
    return None


def contract_type_code(contract_type: ContractType) -> str:
    return CONTRACT_TYPE_CODES[contract_type][0]
