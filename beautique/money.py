"""Money as people here write it: the one formatting of prices and totals in PKR."""

from decimal import Decimal


def format_money(amount: Decimal, *, whole: bool = False) -> str:
    """`12,500` or `12,500.50`: a price as a person writes it; `whole` rounds to rupees
    (`12,501` for a dashboard figure)."""
    if whole:
        return f"{amount:,.0f}"
    return f"{amount:,.2f}".removesuffix(".00")
