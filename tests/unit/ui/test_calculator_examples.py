"""F3.1 / F3.2: every worked example of program-rules.md §2 and §5, typed into the calculator's
widgets (Points tab and both Currency-tab methods, in English and Brazilian Portuguese), gives
the figures HubSpot states and the same figures as the CLI (`python -m partnerkit ... --json`)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal

import pytest

from partnerkit.ui.calculator import PointsCalculator
from partnerkit.ui.i18n import translator


@dataclass(frozen=True)
class Example:
    id: str
    on: dt.date
    sold: Decimal  # what program-rules.md says
    managed: Decimal
    amount: str = "1000"
    country: str = "US"
    currency: str = "USD"
    deal: str = "sourced"
    manage: bool = False
    others: int = 0
    first_sold: dt.date | None = None


EXAMPLES = [
    # "a US$1,000/month client you service = 10 managed points"
    Example(
        "managed_client_of_1000_usd_earns_10_managed_points",
        dt.date(2024, 3, 15),
        sold=Decimal(50),
        managed=Decimal(10),
        manage=True,
    ),
    # "Marketing Hub Professional sold for US$1,000 in October 2021 = 30 sold points"
    Example(
        "october_2021_sale_of_1000_usd_earns_30_sold_points",
        dt.date(2021, 10, 15),
        sold=Decimal(30),
        managed=Decimal(0),
    ),
    # "Sales Hub Professional cross-sold for US$1,000 in March 2024 (sourced, standard) = 50"
    Example(
        "march_2024_sourced_cross_sell_of_1000_usd_earns_50_sold_points",
        dt.date(2024, 3, 15),
        sold=Decimal(50),
        managed=Decimal(0),
    ),
    # Upsell on a product line first sold before 2024-02-27 keeps the old rate of 3.
    Example(
        "upsell_of_a_line_first_sold_before_2024_02_27_keeps_the_rate_of_3",
        dt.date(2024, 3, 15),
        sold=Decimal(30),
        managed=Decimal(0),
        first_sold=dt.date(2023, 6, 1),
    ),
    # Growth market (client in Brazil): 10 sourced and 2 managed points per US$100.
    Example(
        "growth_market_client_doubles_sold_and_managed_points",
        dt.date(2024, 3, 15),
        sold=Decimal(100),
        managed=Decimal(20),
        country="BR",
        manage=True,
    ),
    # "a US$1,000 client managed by 2 partners gives each 5 managed points"
    Example(
        "managed_points_split_between_two_partners_give_each_5",
        dt.date(2024, 3, 15),
        sold=Decimal(50),
        managed=Decimal(5),
        manage=True,
        others=1,
    ),
    # Partner assisted, standard market: 3 per US$100.
    Example(
        "assisted_sale_of_1000_usd_earns_30_sold_points",
        dt.date(2024, 3, 15),
        sold=Decimal(30),
        managed=Decimal(0),
        deal="assisted",
    ),
]
LOCALES = ["en", "pt_BR"]


def cli_json(*args: str) -> dict:
    return _cli_json(tuple(args))


@functools.cache
def _cli_json(args: tuple[str, ...]) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PARTNERKIT_RULES"}
    done = subprocess.run(
        [sys.executable, "-m", "partnerkit", *args, "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def common_cli_args(ex: Example) -> list[str]:
    args = [
        "--currency",
        ex.currency,
        "--country",
        ex.country,
        "--deal-type",
        ex.deal,
        "--date",
        ex.on.isoformat(),
        "--other-partners",
        str(ex.others),
    ]
    if ex.first_sold:
        args += ["--first-sold", ex.first_sold.isoformat()]
    return args


def all_cli_calls() -> list[tuple[str, ...]]:
    calls = []
    for ex in EXAMPLES:
        common = tuple(common_cli_args(ex))
        calls.append(
            ("points", "--amount", ex.amount, *(["--manage"] if ex.manage else []), *common)
        )
        calls.append(
            (
                "convert",
                "--to",
                "points",
                "--sold-value",
                ex.amount,
                "--managed-value",
                ex.amount if ex.manage else "0",
                *common,
            )
        )
        calls.append(
            (
                "convert",
                "--to",
                "currency",
                "--sold-points",
                str(ex.sold),
                "--managed-points",
                str(ex.managed),
                *common,
            )
        )
    return calls


@pytest.fixture(scope="module", autouse=True)
def _cli_answers_in_parallel():
    """Each CLI run is a ~1 s process start: run the 21 of them 3 at a time, once."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(_cli_json, all_cli_calls()))


def shown(html: str, css: str) -> tuple[str, str]:
    """(exact value, displayed text) of one result figure."""
    m = re.search(
        rf'class="pk-figure {css}[^"]*">.*?<div class="pk-figure-value"(?: data-exact="([^"]*)")?>'
        r"([^<]*)</div>",
        html,
    )
    assert m, f"{css} not in {html}"
    return m.group(1) or "", m.group(2)


def fill_common(tab, ex: Example) -> None:
    """Fill a tab's shared inputs the way a user would: date, then the country picked from the
    localised list (which sets the currency), then the rest."""
    tab.date.widget.value = ex.on
    tab.country.widget.value = tab.country.label_of(ex.country)
    assert tab.currency.widget.value == {"US": "USD", "BR": "BRL"}[ex.country]  # the default
    tab.currency.widget.value = ex.currency  # ... which the user may change
    tab.deal_type.value = ex.deal
    tab.first_sold.widget.value = ex.first_sold


def as_typed(value: Decimal, code: str) -> str:
    """A number typed the way a user of that language would (1.000,5 in pt_BR)."""
    return translator(code, "calculator").decimal(value, places=2)


@pytest.mark.parametrize("code", LOCALES)
@pytest.mark.parametrize("ex", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_points_tab_gives_the_rules_figures_and_the_cli_figures(ex, code):
    calc = PointsCalculator(locale=code, on=dt.date(2026, 1, 1))
    tab = calc.points
    fill_common(tab, ex)
    tab.manage.value = ex.manage
    tab.others.widget.value = ex.others
    tab.amount.widget.value = as_typed(Decimal(ex.amount), code)

    e = tab.result
    assert e is not None, (tab.amount.message.text, tab.problem.text, calc.message.text)
    assert (e.sold_points, e.managed_points) == (ex.sold, ex.managed)
    assert e.total_points == ex.sold + ex.managed

    cli = cli_json(
        "points", "--amount", ex.amount, *(["--manage"] if ex.manage else []), *common_cli_args(ex)
    )
    assert Decimal(cli["sold_points_exact"]) == e.sold_points
    assert Decimal(cli["managed_points_exact"]) == e.managed_points
    assert Decimal(cli["total_points_exact"]) == e.total_points

    t = translator(code, "calculator")
    html = tab.figures.value
    assert shown(html, "pk-total") == (str(e.total_points), t.points(ex.sold + ex.managed))
    assert shown(html, "pk-sold")[1] == t.points(ex.sold)
    assert shown(html, "pk-managed")[1] == t.points(ex.managed)
    assert t("Total points") in html
    assert t("How this was computed") in tab.how.value


@pytest.mark.parametrize("code", LOCALES)
@pytest.mark.parametrize("ex", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_currency_tab_currency_to_points_matches_the_points_tab_and_the_cli(ex, code):
    calc = PointsCalculator(locale=code, on=dt.date(2026, 1, 1))
    tab = calc.currency
    tab.method.value = "to_points"
    fill_common(tab, ex)
    tab.others.widget.value = ex.others
    tab.sold_value.widget.value = as_typed(Decimal(ex.amount), code)
    tab.managed_value.widget.value = as_typed(Decimal(ex.amount), code) if ex.manage else ""

    c = tab.result
    assert c is not None, (tab.problem.text, calc.message.text)
    assert (c.sold_points, c.managed_points) == (ex.sold, ex.managed)

    cli = cli_json(
        "convert",
        "--to",
        "points",
        "--sold-value",
        ex.amount,
        "--managed-value",
        ex.amount if ex.manage else "0",
        *common_cli_args(ex),
    )
    assert cli["sold_points"] == pytest.approx(float(c.sold_points))
    assert cli["managed_points"] == pytest.approx(float(c.managed_points))

    t = translator(code, "calculator")
    assert shown(tab.figures.value, "pk-total")[1] == t.points(ex.sold + ex.managed)
    assert shown(tab.figures.value, "pk-managed")[1] == t.points(ex.managed)


@pytest.mark.parametrize("code", LOCALES)
@pytest.mark.parametrize("ex", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_currency_tab_points_to_currency_gives_back_the_deal_amount_and_the_cli_value(ex, code):
    calc = PointsCalculator(locale=code, on=dt.date(2026, 1, 1))
    tab = calc.currency
    assert tab.method.value == "to_currency"  # the default method
    fill_common(tab, ex)
    tab.others.widget.value = ex.others
    tab.sold_points.widget.value = as_typed(ex.sold, code)
    tab.managed_points.widget.value = as_typed(ex.managed, code)

    c = tab.result
    assert c is not None, (tab.problem.text, calc.message.text)
    assert c.sold_value == Decimal(ex.amount)
    assert c.managed_value == (Decimal(ex.amount) if ex.manage else 0)

    cli = cli_json(
        "convert",
        "--to",
        "currency",
        "--sold-points",
        str(ex.sold),
        "--managed-points",
        str(ex.managed),
        *common_cli_args(ex),
    )
    assert Decimal(cli["sold_value_exact"]) == c.sold_value
    assert Decimal(cli["managed_value_exact"]) == c.managed_value

    t = translator(code, "calculator")
    assert shown(tab.figures.value, "pk-sold-value-out")[1] == t.money(Decimal(ex.amount), "USD")
