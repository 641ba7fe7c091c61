"""The partner dashboard (issue 4): Clients (F1), Tier (F2) and HubSpot team (F4).

`build_dashboard()` returns the top widget; `notebooks/dashboard.ipynb` only displays it.
"""

from __future__ import annotations

from partnerkit.ui.dashboard.app import Dashboard, build_dashboard

__all__ = ["Dashboard", "build_dashboard"]
