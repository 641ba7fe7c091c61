"""The ingestion floor (issue 16): a process that reads a ledger CSV with pyarrow and sums the
amount per client and kind. What `partnerkit tier --ledger FILE --json` is compared with."""

from __future__ import annotations

import json
import sys

import pyarrow as pa
import pyarrow.csv as pacsv

table = pacsv.read_csv(sys.argv[1], convert_options=pacsv.ConvertOptions(
    column_types={"amount": pa.decimal128(18, 4)}, include_columns=["client_id", "kind", "amount"]))
sums = table.group_by(["client_id", "kind"]).aggregate([("amount", "sum")])
print(json.dumps({"groups": sums.num_rows, "rows": table.num_rows}))
