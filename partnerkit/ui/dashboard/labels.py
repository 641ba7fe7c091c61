"""Translated labels for values that come from the data (relationship, market, deal type, ...).

Written as literal t() calls with the English text so gettext extraction (and the
missing-translations test) sees every one of them. Unknown values are shown as they are
(escaped by the caller).
"""

from __future__ import annotations

from typing import Any


def relationship(t: Any, value: str) -> str:
    return {"sold": t("Sold"), "managed": t("Managed"), "both": t("Sold and managed")}.get(
        value, value
    )


def market(t: Any, value: str) -> str:
    return {"growth": t("Growth market"), "standard": t("Standard market")}.get(value, value)


def deal_type(t: Any, value: str) -> str:
    return {
        "sourced": t("Sourced"),
        "assisted": t("Assisted"),
        "managed-only": t("Managed only"),
        "managed": t("Managed"),
    }.get(value, value)


def kind(t: Any, value: str) -> str:
    return {"sold": t("Sale"), "managed": t("Managed month")}.get(value, value)


def point_status(t: Any, value: str) -> str:
    return {
        "active": t("Active"),
        "expired": t("Expired"),
        "not-counted": t("Not counted"),
        "not yet": t("Not yet counted"),
        "past month": t("Past month"),
    }.get(value, value)


def client_status(t: Any, value: str) -> str:
    """A client's stored status ("active", "ended") in the chosen language (issue 13)."""
    return {"active": t("Active"), "ended": t("Services ended")}.get(value, value)


def renewal_status(t: Any, value: str) -> str:
    return {
        "pending": t("Pending"),
        "confirmed": t("Confirmed"),
        "renewed": t("Renewed"),
        "cancellation requested": t("Cancellation requested"),
        "cancellation_requested": t("Cancellation requested"),
    }.get(value, value)


def band(t: Any, value: str | None) -> str:
    return {"Low": t("Low"), "Medium": t("Medium"), "High": t("High")}.get(value or "", "")


def trend(t: Any, value: str) -> str:
    return {"up": t("Rising"), "down": t("Falling"), "flat": t("Steady")}.get(value, value)


def sort_key(t: Any, value: str) -> str:
    return {
        "Client name": t("Client name"),
        "MRR (your currency)": t("MRR (your currency)"),
        "Engagement score": t("Engagement score"),
        "Tools used": t("Tools used"),
        "Relationship": t("Relationship"),
        "Market": t("Market"),
    }.get(value, value)


def yes_no(t: Any, value: bool) -> str:
    return t("Yes") if value else t("No")


def column(t: Any, name: str) -> str:
    """Column headings of detail tables from the data layer."""
    return {
        "name": t("Name"),
        "domain": t("Domain"),
        "country": t("Country"),
        "industry": t("Industry"),
        "employees": t("Employees"),
        "portal_id": t("HubSpot portal id"),
        "crm_record_id": t("CRM record id"),
        "relationship": t("Relationship"),
        "deal_type": t("Deal type"),
        "market": t("Market"),
        "status": t("Status"),
        "currency": t("Currency"),
        "product_line": t("Product"),
        "product": t("Product"),
        "edition": t("Edition"),
        "mrr": t("MRR"),
        "contact_tier": t("Contact tier"),
        "email_send_tier": t("Email send tier"),
        "start_date": t("Start date"),
        "renewal_date": t("Renewal date"),
        "owner": t("Renewal communication owner"),
        "renewal_manager": t("HubSpot renewal manager"),
        "current_subscription": t("Current subscription"),
        "renewal_subscription": t("Renewal subscription"),
        "decision_deadline": t("Decision deadline"),
        "month": t("Month"),
        "app": t("App"),
        "used": t("In use"),
        "score": t("Score"),
        "drivers": t("What drives it"),
        "ended_on": t("Services ended on"),
        "ended_by": t("Ended by"),
        "ended_reason": t("Reason"),
        "client_id": t("Client id"),
    }.get(name, name.replace("_", " ").capitalize())
