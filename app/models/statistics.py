"""Maintained statistics: the dashboard's counts kept up to date with every change.

``stat_counter`` holds one row per cell of the dashboard's cubes (listings by kind, field,
district and month; achievements by maturity; registered contracts by type, field, district
and month with their amounts; listings that reached each stage of the funnel). ``stat_share``
records what each listing or contract currently adds to those cells, so a change subtracts
the record's old share and adds its new one (app/statistics/aggregates.py).
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base


class StatCounter(Base):
    """One cell of a maintained cube: a count and, for contracts, the sums of its amounts."""

    __tablename__ = "stat_counter"

    #: ``listing`` (by kind, field, district, month), ``listing_rm`` (by kind, district,
    #: month), ``maturity``, ``stage``, ``contract_t`` (by type, district, month),
    #: ``contract_f`` (by field, district, month), ``contract_rm`` (by district, month);
    #: ``built`` marks a finished rebuild
    metric: Mapped[str] = mapped_column(String(16), primary_key=True)
    #: listing kind, maturity, contract type or funnel stage
    kind: Mapped[str] = mapped_column(String(32), primary_key=True, default="")
    #: technical field code, or the listing kind of a funnel stage
    code: Mapped[str] = mapped_column(String(32), primary_key=True, default="")
    region: Mapped[str] = mapped_column(String(6), primary_key=True, default="")
    #: ``YYYY-MM`` in the city's time zone of the publication or registration
    month: Mapped[str] = mapped_column(String(7), primary_key=True, default="")
    n: Mapped[int] = mapped_column(BigInteger, default=0)
    #: 合同金额 and 技术交易额 in fen: integer sums are exact on every engine
    amount_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    tech_amount_fen: Mapped[int] = mapped_column(BigInteger, default=0)


class StatShare(Base):
    """What one listing or contract adds to ``stat_counter`` now: ``[[key…, n, fen, fen]]``."""

    __tablename__ = "stat_share"

    #: ``listing`` or ``contract``
    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    source_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    cells: Mapped[list[list[str | int]]] = mapped_column(JSON, default=list)
