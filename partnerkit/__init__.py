"""partnerkit: a HubSpot Solutions Partner's client book, points and tier.

The public API for notebook users is re-exported here; see docs/architecture.md.
"""

from __future__ import annotations

__version__ = "0.1.0"
