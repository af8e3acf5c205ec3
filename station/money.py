"""Money said in the station's currency (the setting ``bench.currency``, ISO 4217): the
symbol before the amount where the currency has a common one, its code after it else."""

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}


def money(cents: int | float, currency: str, *, whole: bool = False) -> str:
    """``cents`` with thousands separators; ``whole``: rounded to whole units, for an
    estimate ("about €182")."""
    amount = f"{cents / 100:,.0f}" if whole else f"{cents / 100:,.2f}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"
