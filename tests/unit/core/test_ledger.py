"""The point ledger (issue 2 §3; README "Ledger CSV"): parsing, validation with line numbers,
months, BOM, round trip, and the documented example ledger."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from partnerkit.ledger import LEDGER_COLUMNS, Ledger, LedgerError, parse_ledger_csv
from partnerkit.standing import compute_standing, history, point_changes
from partnerkit.tiers import evaluate_tier
from tests.unit.core.builders import D, a_csv_ledger, a_ledger, a_managed_snapshot, a_sold_event
from tests.unit.core.builders import shipped as shipped_rules

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "ledger-example.csv"
HEADER = "kind,client_id,date,deal_type,amount,currency,country,first_sold,other_partners\n"


def problems_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(LedgerError) as err:
        parse_ledger_csv(io.StringIO(text), "mine.csv")
    return [(p.line, p.column) for p in err.value.problems]


def test_a_minimal_csv_with_the_required_columns_is_read() -> None:
    ledger = a_csv_ledger("""
        kind,client_id,date,deal_type,amount,currency,country
        sold,c1,2024-03-15,sourced,1000,USD,US
    """)
    row = ledger.frame.iloc[0]
    assert (row["kind"], row["client_id"], row["deal_type"], row["amount_units"]) == (
        "sold", "c1", "sourced", 1000 * 10_000)
    assert row["date"].date() == D(2024, 3, 15)
    assert row["event_id"] == "row2"


def test_a_managed_month_is_written_as_yyyy_mm_and_means_the_first_of_the_month() -> None:
    ledger = a_csv_ledger(HEADER + "managed,c1,2024-10,,1000,USD,US,,2\n"
                                   "managed,c1,2024-11-20,,1000,USD,US,,\n")
    assert [d.date() for d in ledger.frame["date"]] == [D(2024, 10, 1), D(2024, 11, 1)]
    assert ledger.frame["other_partners"].tolist() == [2, 0]


def test_a_byte_order_mark_before_the_header_is_ignored() -> None:
    text = "\ufeff" + HEADER + "sold,c1,2024-03-15,sourced,1,USD,US,,\n"
    ledger = parse_ledger_csv(io.StringIO(text))
    assert len(ledger) == 1


def test_codes_and_kinds_are_read_case_insensitively() -> None:
    ledger = a_csv_ledger(HEADER + "SOLD,c1,2024-03-15,Sourced,1000,usd,pt,,\n")
    row = ledger.frame.iloc[0]
    assert (row["kind"], row["deal_type"], row["currency"], row["country"]) == (
        "sold", "sourced", "USD", "PT")


def test_an_amount_with_a_decimal_comma_is_read() -> None:
    ledger = a_csv_ledger(HEADER + 'sold,c1,2024-03-15,sourced,"1000,50",EUR,PT,,\n')
    assert ledger.frame.iloc[0]["amount_units"] == 10_005_000


def test_a_header_only_file_is_an_empty_ledger() -> None:
    assert len(a_csv_ledger(HEADER)) == 0


def test_a_missing_required_column_is_reported_on_line_1() -> None:
    assert problems_of("kind,client_id,date,amount,country\n") == [(1, "currency")]


def test_every_bad_row_is_reported_with_its_line_and_column() -> None:
    text = (HEADER
            + "sold,c1,2024-03-15,sourced,1000,USD,US,,\n"      # line 2: fine
            + "sold,c2,2024-02-30,sourced,1000,USD,US,,\n"      # line 3: no such day
            + "sold,c3,2024-03-15,referral,-5,USD,US,,\n"        # line 4: deal type, amount
            + "managed,c4,2024/10,,1000,US$,XX,,-1\n"             # line 5: 4 problems
            + "bought,,2024-03-15,sourced,abc,USD,US,,\n"         # line 6: kind, client, amount
            + "sold,c5,2024-03-15,sourced,1000,USD,US,2024-04-01,\n")  # line 7: first sale later
    assert problems_of(text) == [
        (3, "date"), (4, "deal_type"), (4, "amount"),
        (5, "date"), (5, "currency"), (5, "country"), (5, "other_partners"),
        (6, "kind"), (6, "client_id"), (6, "amount"), (7, "first_sold"),
    ]


def test_the_ledger_error_message_names_file_lines_columns_and_fixes() -> None:
    with pytest.raises(LedgerError) as err:
        parse_ledger_csv(io.StringIO(HEADER + "sold,c1,15/03/2024,sourced,1000,USD,US,,\n"),
                         "deals.csv")
    assert str(err.value) == ("deals.csv: 1 bad row(s): line 2, column 'date': '15/03/2024' is "
                              "not a date; write it as YYYY-MM-DD")


def test_a_date_beyond_what_the_ledger_can_hold_is_a_row_problem_not_a_crash() -> None:
    text = (HEADER
            + "sold,c1,2999-03-15,sourced,1000,USD,US,,\n"        # line 2: year typo
            + "sold,c2,1024-03-15,sourced,1000,USD,US,,\n"        # line 3: year typo
            + "managed,c3,9024-10,,1000,USD,US,,\n"                # line 4: month year typo
            + "sold,c4,2024-03-15,sourced,1000,USD,US,0224-01-01,\n")  # line 5: first sale
    assert problems_of(text) == [(2, "date"), (3, "date"), (4, "date"), (5, "first_sold")]
    with pytest.raises(LedgerError) as err:
        parse_ledger_csv(io.StringIO(HEADER + "sold,c1,2999-03-15,sourced,1,USD,US,,\n"))
    assert "outside the dates a ledger can hold" in str(err.value)
    assert "typo" in str(err.value)


def test_the_last_date_a_ledger_can_hold_is_read() -> None:
    ledger = a_csv_ledger(HEADER + "sold,c1,2261-12-31,sourced,1,USD,US,,\n")
    assert ledger.frame.iloc[0]["date"].date() == D(2261, 12, 31)


def test_a_co_managing_partner_count_beyond_int64_is_a_row_problem() -> None:
    text = HEADER + "managed,c1,2024-10,,1000,USD,US,,99999999999999999999\n"
    assert problems_of(text) == [(2, "other_partners")]


def test_a_long_list_of_bad_rows_is_summarised_after_ten() -> None:
    text = HEADER + "".join(f"sold,c{i},2024-03-15,sourced,-1,USD,US,,\n" for i in range(13))
    with pytest.raises(LedgerError) as err:
        parse_ledger_csv(io.StringIO(text), "big.csv")
    assert len(err.value.problems) == 13
    assert str(err.value).endswith("(and 3 more)")
    assert "line 14" not in str(err.value)


def test_nothing_is_half_read_when_one_row_is_bad() -> None:
    with pytest.raises(LedgerError):
        parse_ledger_csv(io.StringIO(HEADER + "sold,c1,2024-03-15,sourced,1,USD,US,,\n"
                                     + "sold,c2,2024-03-15,sourced,x,USD,US,,\n"))


def test_a_ledger_written_as_records_reads_back_the_same() -> None:
    ledger = a_ledger(a_sold_event(amount="1234.5678", first_sold=D(2023, 1, 2), event_id="s1"),
                      a_managed_snapshot(month=D(2024, 10, 1), other_partners=2, event_id="m1",
                                         client_name="Ação, Lda"))
    records = ledger.to_records()
    assert records[1]["date"] == "2024-10" and records[0]["date"] == "2024-03-15"
    assert list(records[0]) == list(LEDGER_COLUMNS)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(LEDGER_COLUMNS))
    writer.writeheader()
    writer.writerows(records)
    back = parse_ledger_csv(io.StringIO(buf.getvalue()))
    assert back.frame.equals(ledger.frame)


def test_records_with_python_values_are_validated_like_csv_rows() -> None:
    ledger = Ledger.from_records([{"kind": "sold", "client_id": "c1", "date": D(2024, 3, 15),
                                   "deal_type": "sourced", "amount": Decimal("10.5"),
                                   "currency": "EUR", "country": "PT"}])
    assert ledger.frame.iloc[0]["amount_units"] == 105_000
    with pytest.raises(LedgerError, match="row, column 'amount'"):
        Ledger.from_records([{"kind": "sold", "client_id": "c1", "date": D(2024, 3, 15),
                              "deal_type": "sourced", "amount": float("nan"),
                              "currency": "EUR", "country": "PT"}])


def test_a_ledger_splits_into_sold_and_managed_rows_and_per_client() -> None:
    ledger = a_ledger(a_sold_event(), a_managed_snapshot(), a_sold_event(client_id="b"))
    assert (len(ledger.sold), len(ledger.managed), len(ledger.for_client("b"))) == (2, 1, 1)


# --- the documented example ledger (tests/data/README.md) -----------------------------------------

def example() -> Ledger:
    with EXAMPLE.open(encoding="utf-8-sig", newline="") as fh:
        return parse_ledger_csv(fh, EXAMPLE.name)


def test_the_example_ledger_stands_as_documented_on_2024_10_15() -> None:
    s = compute_standing(example(), D(2024, 10, 15), shipped_rules())
    assert (s.sourced_points, s.assisted_points, s.sold_points, s.managed_points,
            s.total_points, s.expired_points) == (95, 60, 155, 60, 215, 30)
    assert s.expiring == {30: 0, 60: 30, 90: 30}
    pc = s.per_client.set_index("client_id")
    assert pc["total"].to_dict() == {"acme": 90, "saopaulo": 70, "lisboa": 55, "oldco": 0,
                                     "tokyo": 0}
    assert pc.loc["lisboa", "client_name"] == "Lisboa Digital, Lda"
    assert pc.loc["saopaulo", ["market", "deal_type"]].tolist() == ["growth", "assisted"]


def test_the_example_ledger_performs_at_gold_with_the_documented_gaps() -> None:
    rules = shipped_rules()
    s = compute_standing(example(), D(2024, 10, 15), rules)
    perf = evaluate_tier(s, D(2024, 10, 15), rules)
    assert perf.tier == "Gold"
    assert {r.name: r.gap for r in perf.gap_to("Platinum")} == {
        "total": 98, "sold": 0, "managed": 140, "certification": 0}


def test_the_example_ledger_changes_and_projection_are_as_documented() -> None:
    rules = shipped_rules()
    changes = point_changes(example(), D(2024, 9, 30), D(2024, 10, 15), rules)
    changes = changes.set_index("client_id")
    assert changes["net"].to_dict() == {"tokyo": -10, "saopaulo": 10, "acme": 5}
    h = history(example(), D(2024, 10, 15), rules, months=3).set_index("month_end")
    assert h.loc[D(2024, 9, 30), "managed"] == 55
    assert h.loc[D(2024, 10, 31), ["sold", "managed"]].tolist() == [155, 60]
    assert h.loc[D(2024, 11, 30), ["sold", "managed"]].tolist() == [125, 60]
