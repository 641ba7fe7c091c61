"""Monthly reports by mail (F5; issue 14): `partnerkit report … --mail` / `--mail-dry-run DIR`.

Each finished report goes to its partner's recipients (`add-partner --report-to`, or `import
--kind report-recipients`) in the partner's language: a short body with the headline figures
(and the tier risks when the report has them), the PDF attached, the HTML on request.

- SMTP settings come from the environment (systemd: `EnvironmentFile=`), checked before any
  report runs: PARTNERKIT_SMTP_HOST, _PORT, _SECURITY (starttls | ssl | none), _USER,
  _PASSWORD or _PASSWORD_FILE, _CA_FILE (a private CA to trust), _TIMEOUT, _RETRIES,
  _RETRY_DELAY, and PARTNERKIT_MAIL_FROM.
- A failed send is retried with backoff; a send that still fails is listed in the summary and
  changes nothing on disk (the report stays as it is; the next run tries again).
- Never twice: every mail sent is a `mail_report` row of the audit log (month, addresses,
  Message-ID); a re-run only mails the addresses that have not had that month's report.
- `--mail-dry-run DIR` writes the same messages as DIR/<month>-<slug>.eml and sends nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import ssl
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from partnerkit.reports.runner import ReportResult

ENV = "PARTNERKIT_SMTP_"
SECURITY = {"starttls": 587, "ssl": 465, "none": 25}
MAX_ATTACHMENTS_BYTES = 20 * 1024 * 1024  # what most relays accept


class MailSettingsError(ValueError):
    """A wrong or missing SMTP setting; the message names the variable and the fix."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = "partnerkit@localhost"
    ca_file: str = ""
    timeout: float = 30.0
    retries: int = 3
    retry_delay: float = 5.0

    @classmethod
    def from_environment(cls, env: Any = None, *, need_server: bool = True) -> SmtpSettings:
        from partnerkit.store.recipients import parse_recipients

        env = os.environ if env is None else env

        def get(name: str, default: str = "") -> str:
            return str(env.get(ENV + name, default)).strip()

        security = get("SECURITY", "starttls").lower()
        if security not in SECURITY:
            raise MailSettingsError(
                f"{ENV}SECURITY={security!r}: use starttls, ssl or none")
        host = get("HOST")
        if need_server and not host:
            raise MailSettingsError(
                f"--mail needs an SMTP server: set {ENV}HOST (and {ENV}PORT, {ENV}SECURITY, "
                f"{ENV}USER, {ENV}PASSWORD_FILE, PARTNERKIT_MAIL_FROM); see docs/reports.md")
        sender = str(env.get("PARTNERKIT_MAIL_FROM", "")).strip()
        if need_server and not sender:
            raise MailSettingsError("--mail needs a sender: set PARTNERKIT_MAIL_FROM=reports@…")
        if sender:
            try:
                sender = parse_recipients([sender])[0]
            except ValueError:
                raise MailSettingsError(
                    "PARTNERKIT_MAIL_FROM is not a plain e-mail address (name@example.com)"
                ) from None
        password = get("PASSWORD")
        password_file = get("PASSWORD_FILE")
        if password_file:
            try:
                password = Path(password_file).read_text(encoding="utf-8").strip()
            except OSError as e:
                raise MailSettingsError(
                    f"{ENV}PASSWORD_FILE: cannot read {password_file} ({e.strerror})") from None
        ca_file = get("CA_FILE")
        if ca_file and not Path(ca_file).is_file():
            raise MailSettingsError(f"{ENV}CA_FILE: {ca_file} is not a file")

        def number(name: str, default: str, low: float, high: float) -> float:
            raw = get(name, default)
            try:
                value = float(raw)
            except ValueError:
                value = float("nan")
            if not low <= value <= high:
                raise MailSettingsError(f"{ENV}{name}={raw!r}: give a number from {low:g} to "
                                        f"{high:g}")
            return value

        return cls(
            host=host,
            port=int(number("PORT", str(SECURITY[security]), 1, 65535)),
            security=security,
            user=get("USER"),
            password=password,
            sender=sender or "partnerkit@localhost",
            ca_file=ca_file,
            timeout=number("TIMEOUT", "30", 1, 600),
            retries=int(number("RETRIES", "3", 0, 10)),
            retry_delay=number("RETRY_DELAY", "5", 0, 300),
        )

    def context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context()
        if self.ca_file:
            ctx.load_verify_locations(cafile=self.ca_file)
        return ctx

    def send(self, message: EmailMessage) -> None:
        """One connection, one message; raises OSError / smtplib.SMTPException on failure."""
        smtp: smtplib.SMTP
        if self.security == "ssl":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=self.context())
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with smtp:
            smtp.ehlo()
            if self.security == "starttls":
                smtp.starttls(context=self.context())
                smtp.ehlo()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(message)


# ---------------------------------------------------------------- the message


def _points(t: Any, value: Any) -> str:
    try:
        return str(t.points(Decimal(str(value))))
    except (InvalidOperation, ValueError, TypeError):
        return "—"


def _signed(t: Any, value: Any) -> str:
    text = _points(t, value)
    return text if text.startswith(("-", "−", "—")) else f"+{text}"


def _date(t: Any, value: Any) -> str:
    try:
        return str(t.date(dt.date.fromisoformat(str(value)[:10])))
    except ValueError:
        return "—"


def body_text(headline: dict[str, Any], locale: str) -> str:
    """The mail's text: the headline figures (and risks), in the partner's language."""
    from partnerkit.ui.i18n import translator

    t = translator(locale, domain="mail")
    tr = translator(locale, domain="report")  # tier names, as the report writes them

    def tier(name: Any) -> str:
        return tr(str(name)) if name else t("untiered")

    h = headline
    lines = [
        t("Monthly tier report — {partner} — {month}").format(
            partner=h.get("partner_name") or h.get("partner_id"), month=h.get("month")),
        "",
        t("Standing at the end of the month, on {date}:").format(date=_date(t, h.get("as_of"))),
        "- " + t("Credited tier: {tier} (last month: {before})").format(
            tier=tier(h.get("credited_tier")), before=tier(h.get("previous_credited_tier"))),
        "- " + t("Performance tier: {tier}").format(tier=tier(h.get("performance_tier"))),
        "- " + t("Total points: {points} ({change} since last month)").format(
            points=_points(t, h.get("total_points")), change=_signed(t, h.get("total_change"))),
    ]
    if h.get("next_tier"):
        lines.append("- " + t("To reach {tier}: {points} more points").format(
            tier=tier(h.get("next_tier")), points=_points(t, h.get("gap_to_next"))))
    lines += [
        "- " + t("Sold points expiring in the next 90 days: {points}").format(
            points=_points(t, h.get("expiring_90_days"))),
        "- " + t("Renewals due in the next 120 days: {n}").format(
            n=h.get("renewals_120_days", 0)),
    ]
    if h.get("next_review"):
        lines.append("- " + t("Next review: {date}").format(date=_date(t, h.get("next_review"))))
    if "risks" in h:
        risks = [r for r in h.get("risks") or [] if isinstance(r, dict)]
        lines += ["", t("Tier risks:") if risks else t("No tier risks found.")]
        lines += [f"- {_date(t, r.get('date'))}: {r.get('text') or r.get('message')}"
                  for r in risks]
    lines += [
        "",
        t("The full report is attached as a PDF."),
        t("Data as of {date}. Figures marked as estimates in the report rest on thresholds "
          "HubSpot does not publish.").format(date=_date(t, h.get("data_as_of"))),
    ]
    return "\n".join(lines) + "\n"


def compose(
    settings: SmtpSettings, to: list[str], headline: dict[str, Any], locale: str,
    attachments: list[Path],
) -> EmailMessage:
    from partnerkit.ui.i18n import translator

    t = translator(locale, domain="mail")
    message = EmailMessage()
    message["Subject"] = t("Tier report {month} — {partner}").format(
        month=headline.get("month"), partner=headline.get("partner_name")
        or headline.get("partner_id"))
    message["From"] = settings.sender
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.sender.rsplit("@", 1)[-1])
    message["Content-Language"] = locale.replace("_", "-")
    message.set_content(body_text(headline, locale))
    kinds = {".pdf": ("application", "pdf"), ".html": ("text", "html")}
    total = 0
    for path in attachments:
        data = path.read_bytes()
        total += len(data)
        if total > MAX_ATTACHMENTS_BYTES:
            raise ValueError(f"{path.name}: the attachments pass {MAX_ATTACHMENTS_BYTES} bytes")
        maintype, subtype = kinds[path.suffix]
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=path.name)
    return message


# ---------------------------------------------------------------- delivery


@dataclass
class Delivery:
    partner_id: str
    month: str
    status: str  # sent | written | failed | already | none
    detail: str = ""


@dataclass
class DeliveryReport:
    items: list[Delivery] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for d in self.items if d.status == status)

    @property
    def failed(self) -> int:
        return self.count("failed")

    def lines(self) -> list[str]:
        out = [
            f"mail: {self.count('sent')} sent, {self.count('written')} written (dry run), "
            f"{self.count('already')} already mailed, {self.count('none')} without recipients, "
            f"{self.failed} failed"
        ]
        for d in sorted(self.items, key=lambda d: d.partner_id):
            if d.status == "failed":
                out.append(f"  MAIL FAILED {d.partner_id} {d.month}: {d.detail}")
            elif d.status in ("none", "already"):
                out.append(f"  mail {d.status} {d.partner_id} {d.month}: {d.detail}")
        return out


class Mailer:
    def __init__(self, settings: SmtpSettings, dry_run: str = "", with_html: bool = False,
                 by: str = "partnerkit report") -> None:
        self.settings = settings
        self.dry_run = Path(dry_run) if dry_run else None
        self.with_html = with_html
        self.by = by

    @classmethod
    def from_environment(cls, dry_run: str | None = None, with_html: bool = False,
                         env: Any = None) -> Mailer:
        settings = SmtpSettings.from_environment(env, need_server=not dry_run)
        if dry_run:
            Path(dry_run).mkdir(parents=True, exist_ok=True)
        return cls(settings, dry_run or "", with_html)

    def _attachments(self, result: ReportResult) -> list[Path]:
        files = [Path(result.files[s]) for s in ("pdf",) if s in result.files]
        if self.with_html or not files:  # no PDF (--no-pdf): the HTML goes instead
            files += [Path(result.files["html"])] if "html" in result.files else []
        return files

    def _send(self, message: EmailMessage) -> str:
        """'' when sent; else the last error after the retries."""
        error = ""
        for attempt in range(self.settings.retries + 1):
            try:
                self.settings.send(message)
                return ""
            except smtplib.SMTPRecipientsRefused as e:  # permanent: retrying will not help
                return f"the server refused {', '.join(e.recipients)}"
            except (OSError, smtplib.SMTPException) as e:
                error = f"{type(e).__name__}: {e}".strip()
                if attempt < self.settings.retries:
                    time.sleep(self.settings.retry_delay * (2**attempt))
        return f"{error} (after {self.settings.retries + 1} attempts)"

    def deliver(self, db_url: str, results: list[ReportResult],
                locales: dict[str, str]) -> DeliveryReport:
        from partnerkit.reports.paths import safe_slug
        from partnerkit.store import open_store
        from partnerkit.store.recipients import mailed_to, record_mailed

        report = DeliveryReport()
        with open_store(db_url) as store:
            for r in results:
                if r.status != "done" or not r.headline:
                    continue
                recipients = store.report_recipients(r.partner_id)
                if not recipients:
                    report.items.append(Delivery(r.partner_id, r.month, "none",
                                                 "no recipients (add-partner --report-to)"))
                    continue
                already = mailed_to(store, r.partner_id, r.month)
                to = [a for a in recipients if a.lower() not in already]
                if not to:
                    report.items.append(Delivery(r.partner_id, r.month, "already",
                                                 f"sent before to {', '.join(recipients)}"))
                    continue
                locale = locales.get(r.partner_id, "en")
                try:
                    message = compose(self.settings, to, r.headline, locale,
                                      self._attachments(r))
                except (OSError, ValueError) as e:
                    report.items.append(Delivery(r.partner_id, r.month, "failed", str(e)))
                    continue
                if self.dry_run is not None:
                    target = self.dry_run / f"{r.month}-{safe_slug(r.partner_id)}.eml"
                    target.write_bytes(bytes(message))
                    report.items.append(Delivery(r.partner_id, r.month, "written", str(target)))
                    continue
                error = self._send(message)
                if error:
                    report.items.append(Delivery(r.partner_id, r.month, "failed", error))
                    continue
                record_mailed(store, r.partner_id, r.month, to, str(message["Message-ID"]),
                              self.by, [p.name for p in self._attachments(r)])
                report.items.append(Delivery(r.partner_id, r.month, "sent", ", ".join(to)))
        return report
