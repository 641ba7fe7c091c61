"""Exact money: Decimal amounts with ISO 4217 currency codes.

Points are never computed from floats. An amount arrives as text, int or Decimal and is checked
here once, so every caller (CLI, widgets, CSV import) gives the same plain error for the same bad
input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Above this an amount is a typo, not a HubSpot subscription (a US$10 billion monthly MRR).
# This is an input sanity bound, not a program rule.
ABSURD_AMOUNT = Decimal("10000000000000")
# Amounts are stored as integers of 1/10,000 of a unit in the vectorised engine.
AMOUNT_SCALE = 10_000
_UNIT = Decimal(1) / AMOUNT_SCALE
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


# ISO 4217 currency codes (current, plus a few withdrawn ones older ledgers may hold: HRK, SLL,
# ANG, ZWL). Not program data: which of them HubSpot's program supports is in the rules file.
ISO_4217: frozenset[str] = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN
    BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP
    ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IQD IRR
    ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD
    MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR
    PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL
    THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF
    XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
    """.split()  # noqa: SIM905 - the ISO table reads better as a block
)


class MoneyError(ValueError):
    """A money value that cannot be used; the message names the field and what is accepted."""


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{self.amount:,.2f} {self.currency}"


def parse_amount(value: object, field: str = "amount", *, allow_zero: bool = True) -> Decimal:
    """Parse a non-negative, finite, sane amount with at most 4 decimal places."""
    if isinstance(value, bool) or value is None:
        raise MoneyError(f"{field}: expected a number, got {value!r}")
    if isinstance(value, float):
        # Floats carry binary noise; go through their shortest repr.
        value = repr(value)
    if isinstance(value, str):
        text = value.strip().replace("_", "")
        if text == "":
            raise MoneyError(f"{field}: a number is required")
        value = _plain_separators(text, field)
    try:
        amount = Decimal(value)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError, ValueError):
        raise MoneyError(f"{field}: {value!r} is not a number") from None
    if not amount.is_finite():
        raise MoneyError(f"{field}: {value!r} is not a finite number")
    if amount < 0:
        raise MoneyError(f"{field}: {amount} is negative; amounts must be zero or more")
    if not allow_zero and amount == 0:
        raise MoneyError(f"{field}: must be more than zero")
    if amount > ABSURD_AMOUNT:
        raise MoneyError(f"{field}: {amount} is too large to be a monthly amount")
    if amount != amount.quantize(_UNIT):
        raise MoneyError(f"{field}: {amount} has more than 4 decimal places")
    if amount.as_tuple().exponent > 0:  # type: ignore[operator]
        amount = amount.quantize(Decimal(1))  # 1E+3 -> 1000
    return amount


def _plain_separators(text: str, field: str) -> str:
    """Commas resolved without guessing: 1000,50 and 1.000,50 (decimal comma), 1,000.50 and
    1,000,000 (thousands commas). A lone comma before exactly three digits (1,000) could be
    either, so it is refused with both readings rather than silently read as 1."""
    if "," not in text:
        return text
    sign = text[0] if text[0] in "+-" else ""
    body = text[len(sign):]
    if "." in body:
        dec = "." if body.rfind(".") > body.rfind(",") else ","
        grp = "," if dec == "." else "."
        if not re.fullmatch(rf"\d{{1,3}}(\{grp}\d{{3}})*\{dec}\d+", body):
            raise MoneyError(f"{field}: {text!r} is not a number; write it like 1000.50")
        return sign + body.replace(grp, "").replace(dec, ".")
    if body.count(",") == 1:
        if re.fullmatch(r"\d{1,3},\d{3}", body):
            raise MoneyError(
                f"{field}: {text!r} is ambiguous (thousands or decimal comma?); write it as "
                f"{sign}{body.replace(',', '')} or {sign}{body.replace(',', '.')}")
        return sign + body.replace(",", ".")  # 1000,50 as typed in pt-PT / pt-BR
    if re.fullmatch(r"\d{1,3}(,\d{3})+", body):
        return sign + body.replace(",", "")
    raise MoneyError(f"{field}: {text!r} is not a number; write it like 1000.50")


def parse_currency(value: object, field: str = "currency") -> str:
    """Normalise an ISO 4217-shaped code; whether the program supports it is the rules' call."""
    if not isinstance(value, str) or not _CURRENCY_RE.match(value.strip().upper()):
        raise MoneyError(f"{field}: {value!r} is not a three-letter ISO 4217 currency code")
    return value.strip().upper()


def to_units(amount: Decimal) -> int:
    """Amount as an exact integer of 1/AMOUNT_SCALE units, for vectorised sums."""
    return int(amount * AMOUNT_SCALE)


def from_units(units: int) -> Decimal:
    return Decimal(units) / AMOUNT_SCALE
