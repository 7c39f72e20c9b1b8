"""Exact decimal arithmetic in SQL, the same on SQLite and PostgreSQL.

Every summed or compared quantity (JP, volumes, targets, scores) is a NUMERIC column. PostgreSQL keeps
NUMERIC exact; SQLite stores it as a binary REAL, so its SUM drifts: 8.12 + 8.68 + 3.20 comes back as
19.999999999999996, and a comparison made in SQL (``>= 20``) then says "below 20 JP" where Python,
reading the same sum as a Decimal, says "compliant". Rounding the result to the column's scale in SQL
gives, on SQLite, the binary number closest to the exact decimal (an error of 1e-15 is far below half a
unit of the scale), so comparisons in SQL agree with Decimal arithmetic; on PostgreSQL it changes nothing.
The expression carries the column's Numeric type, so it is read back as a Decimal of that scale.

Use ``exact_sum`` for every SQL SUM of a decimal quantity and ``exact_total`` for a running total that is
added to in SQL.
"""
from __future__ import annotations

from sqlalchemy import Numeric, func
from sqlalchemy.sql.elements import ColumnElement


def _scale(column) -> int:
    column_type = column.type
    if not isinstance(column_type, Numeric) or column_type.scale is None:
        raise TypeError(f"{column} is not a Numeric column with a scale")
    return column_type.scale


def exact_sum(column) -> ColumnElement:
    """``SUM(column)`` rounded to the column's scale, typed as the column (a Decimal when read)."""
    return func.round(func.sum(column), _scale(column), type_=column.type)


def exact_total(column, expression) -> ColumnElement:
    """An expression of ``column``'s quantity (e.g. a running total plus an addition), rounded to its scale."""
    return func.round(expression, _scale(column), type_=column.type)
