"""Issue 16: start-up stays light. `import partnerkit` and `partnerkit tier --help` load neither
pandas, numpy, pyarrow nor SQLAlchemy (the engine and the store load when a command runs). Module
lists, not timings: the times are in bench/ (docs/benchmarks.md)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("pandas", "numpy", "pyarrow", "sqlalchemy", "jupyter_server", "matplotlib")


def loaded_after(code: str) -> list[str]:
    probe = (f"import sys\n{code}\nimport json\n"
             f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_partnerkit_loads_no_heavy_module_until_a_name_is_used():
    assert loaded_after("import partnerkit") == []
    assert "pandas" in loaded_after("import partnerkit\npartnerkit.Ledger")


def test_tier_help_loads_neither_the_engine_nor_the_store():
    code = ("import contextlib, io\nfrom partnerkit.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            "    main(['tier', '--help'])")
    assert loaded_after(code) == []


def test_every_public_name_of_partnerkit_resolves():
    import partnerkit

    for name in partnerkit.__all__:
        assert getattr(partnerkit, name) is not None
