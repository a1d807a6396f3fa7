"""The city's districts, county-level cities, counties and development zones (长春市)."""

from __future__ import annotations

REGIONS: dict[str, str] = {
    "220102": "南关区",
    "220103": "宽城区",
    "220104": "朝阳区",
    "220105": "二道区",
    "220106": "绿园区",
    "220112": "双阳区",
    "220113": "九台区",
    "220122": "农安县",
    "220182": "榆树市",
    "220183": "德惠市",
    "220184": "公主岭市",
    "220171": "长春经济技术开发区",
    "220172": "长春净月高新技术产业开发区",
    "220173": "长春高新技术产业开发区",
    "220174": "长春汽车经济技术开发区",
    "220191": "长春新区",
    "220192": "中韩（长春）国际合作示范区",
    "220193": "长春莲花山生态旅游度假区",
    "220199": "长春市外",
}


def region_name(code: str | None) -> str:
    """The Chinese name of a region code, or an empty string."""
    return REGIONS.get(code or "", "")
