"""Issue 14, F5: monthly reports mailed to each partner's recipients, against real SMTP servers
(aiosmtpd) started here: plain, STARTTLS with a login, implicit TLS, a failing and a flaky one;
dry runs write .eml files; a re-run never mails twice."""

from __future__ import annotations

import email
import email.policy
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from partnerkit.reports.mail import Mailer, MailSettingsError, SmtpSettings
from partnerkit.reports.runner import ReportResult

pytestmark = pytest.mark.slow
AS_OF = "2026-12-02"  # the demo book's "today": last month = 2026-11


class Inbox:
    """An aiosmtpd handler keeping every message; `fail` answers DATA with a temporary error
    that many times (None: always)."""

    def __init__(self, fail: int | None = 0) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.fail = fail
        self.attempts = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.attempts += 1
        if self.fail is None or self.attempts <= self.fail:
            return "451 4.3.0 mailbox busy, try again later"
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made now (it is its own CA)."""
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


@contextmanager
def smtp_server(inbox: Inbox, mode: str = "none", cert: tuple[Path, Path] | None = None,
                login: tuple[str, str] | None = None) -> Iterator[int]:
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    kwargs: dict[str, Any] = {}
    if cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(cert[0]), str(cert[1]))
        if mode == "ssl":
            kwargs["ssl_context"] = ctx
        else:
            kwargs.update(tls_context=ctx, require_starttls=True)
    if login:
        def check(server: Any, session: Any, envelope: Any, mechanism: str,
                  data: Any) -> AuthResult:
            ok = (data.login.decode(), data.password.decode()) == login
            return AuthResult(success=ok)

        kwargs.update(authenticator=check, auth_required=True, auth_require_tls=True)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def settings(port: int, **kw: Any) -> SmtpSettings:
    base: dict[str, Any] = dict(host="127.0.0.1", port=port, security="none",
                                sender="reports@agency.example", retries=2, retry_delay=0.05,
                                timeout=10)
    base.update(kw)
    return SmtpSettings(**base)


def a_report(tmp_path: Path, partner_id: str = "pt-lusitania") -> ReportResult:
    """A finished report on disk (a tiny real PDF and HTML) and its headline figures."""
    pdf, html = tmp_path / f"{partner_id}.pdf", tmp_path / f"{partner_id}.html"
    pdf.write_bytes(b"%PDF-1.4\n% tiny\n%%EOF\n")
    html.write_text("<html><body>report</body></html>")
    headline = {"partner_id": partner_id, "partner_name": "Lusitânia Digital, Lda.",
                "month": "2026-11", "as_of": "2026-11-30", "data_as_of": "2026-12-02",
                "credited_tier": "Platinum", "previous_credited_tier": "Platinum",
                "performance_tier": "Platinum", "total_points": "819.04",
                "total_change": "56.66", "next_tier": "Diamond", "gap_to_next": "20.99",
                "expiring_90_days": "32.93", "renewals_120_days": 21,
                "next_review": "2027-01-15"}
    return ReportResult(partner_id, "2026-11", "done", files={"pdf": str(pdf), "html": str(html)},
                        headline=headline)


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo book, each partner with report recipients (one set through the importer)."""
    from partnerkit.store import open_store
    from partnerkit.store.demo import create_demo

    monkeypatch.setenv("PARTNERKIT_AS_OF", AS_OF)
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    create_demo(url)
    csv = tmp_path / "recipients.csv"
    csv.write_text("Email\nana@lusitania.example\nrui@lusitania.example\n")
    with open_store(url) as store:
        from partnerkit.store.importer import import_file

        import_file(store, "pt-lusitania", "report-recipients", csv, by="test")
        store.set_report_recipients("br-paulista", "joao@paulista.example", by="test")
        store.set_report_recipients("us-northwind", ["kim@northwind.example"], by="test")
    return url


def partnerkit(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PARTNERKIT_AS_OF": AS_OF, "PARTNERKIT_NO_PROGRESS": "1", **env}
    return subprocess.run([sys.executable, "-m", "partnerkit", *args], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=600)


def test_the_demo_book_mails_three_localised_reports_with_pdfs_and_never_twice(
    demo: str, tmp_path: Path
):
    inbox = Inbox()
    out = tmp_path / "reports"
    with smtp_server(inbox) as port:
        env = {"PARTNERKIT_SMTP_HOST": "127.0.0.1", "PARTNERKIT_SMTP_PORT": str(port),
               "PARTNERKIT_SMTP_SECURITY": "none", "PARTNERKIT_MAIL_FROM": "reports@agency.example"}
        args = ("report", "--all", "--month", "last", "--db", demo, "--out", str(out), "--mail")
        first = partnerkit(*args, cwd=tmp_path, env=env)
        assert first.returncode == 0, first.stdout + first.stderr
        assert "mail: 3 sent" in first.stdout
        mailed_pdfs = {f.stem: f.read_bytes() for f in (out / "2026-11").glob("*.pdf")}
        again = partnerkit(*args, cwd=tmp_path, env=env)
        assert again.returncode == 0 and "mail: 0 sent" in again.stdout
        assert "3 already mailed" in again.stdout
    assert len(inbox.messages) == 3  # the re-run sent nothing
    by_partner = {m["Subject"].split("— ")[-1]: m for m in inbox.messages}
    expected = {
        "pt-lusitania": ("pt_PT", "Relatório de nível 2026-11", "Pontos totais",
                         ["ana@lusitania.example", "rui@lusitania.example"]),
        "br-paulista": ("pt_BR", "Relatório de nível 2026-11", "Nível creditado",
                        ["joao@paulista.example"]),
        "us-northwind": ("en", "Tier report 2026-11", "Total points", ["kim@northwind.example"]),
    }
    from partnerkit.ui.i18n import translator

    for pid, (locale, subject, word, to) in expected.items():
        headline = json.loads((out / "2026-11" / f"{pid}.json").read_text())
        m = by_partner[headline["partner_name"]]
        assert m["Subject"].startswith(subject) and m["To"] == ", ".join(to)
        body = m.get_body(("plain",)).get_content()
        assert word in body
        # The headline figure, rounded and written as the partner's language writes it.
        points = translator(locale, "mail").points(headline["total_points"])
        assert points in body
        if locale != "en":
            assert "Total points" not in body and "Credited tier" not in body
        # The report's tier risks, in the partner's language (as the report states them).
        t = translator(locale, "mail")
        assert (t("Tier risks:") if headline["risks"] else t("No tier risks found.")) in body
        for risk in headline["risks"]:
            assert risk["text"] in body
            if locale != "en":
                assert risk["message"] not in body  # the English sentence is not sent
        (pdf,) = [p for p in m.iter_attachments() if p.get_content_type() == "application/pdf"]
        data = pdf.get_content()
        assert data == mailed_pdfs[pid]  # the report as the first run wrote it
    # Paper by country: Letter for the US partner, A4 for Portugal and Brazil.
    from pypdf import PdfReader

    for pid, size in (("us-northwind", (612, 792)), ("pt-lusitania", (596, 842)),
                      ("br-paulista", (596, 842))):
        box = PdfReader(out / "2026-11" / f"{pid}.pdf").pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == size, pid
    # The PDFs print the CJK client names (text, with a CJK font).
    text = subprocess.run(["pdftotext", str(out / "2026-11" / "us-northwind.pdf"), "-"],
                          capture_output=True, text=True).stdout
    assert "富士建設株式会社" in text
    from partnerkit.store import open_store

    with open_store(demo) as store:
        log = store.audit_log("pt-lusitania")
    sent = log[log["action"] == "mail_report"]
    assert len(sent) == 1 and json.loads(sent.iloc[0]["details"])["to"] == expected[
        "pt-lusitania"][3]


def test_a_dry_run_writes_one_eml_per_mail_and_sends_nothing(demo: str, tmp_path: Path):
    out, eml = tmp_path / "reports", tmp_path / "outbox"
    p = partnerkit("report", "--all", "--month", "last", "--db", demo, "--out", str(out),
                   "--no-pdf", "--mail-dry-run", str(eml), cwd=tmp_path, env={})
    assert p.returncode == 0, p.stdout + p.stderr
    files = sorted(f.name for f in eml.iterdir())
    assert files == ["2026-11-br-paulista.eml", "2026-11-pt-lusitania.eml",
                     "2026-11-us-northwind.eml"]
    m = email.message_from_bytes((eml / files[1]).read_bytes(), policy=email.policy.default)
    assert m["To"] == "ana@lusitania.example, rui@lusitania.example"
    assert [a.get_filename() for a in m.iter_attachments()] == ["pt-lusitania.html"]
    from partnerkit.store import open_store

    with open_store(demo) as store:  # nothing was sent, so nothing is recorded as sent
        assert "mail_report" not in set(store.audit_log("pt-lusitania")["action"])


def test_starttls_with_a_login_from_a_password_file_delivers(certificate, tmp_path: Path):
    inbox = Inbox()
    secret = tmp_path / "smtp-password"
    secret.write_text("s3cret\n")
    with smtp_server(inbox, "starttls", certificate, login=("reports", "s3cret")) as port:
        env = {"PARTNERKIT_SMTP_HOST": "127.0.0.1", "PARTNERKIT_SMTP_PORT": str(port),
               "PARTNERKIT_SMTP_SECURITY": "starttls", "PARTNERKIT_SMTP_USER": "reports",
               "PARTNERKIT_SMTP_PASSWORD_FILE": str(secret),
               "PARTNERKIT_SMTP_CA_FILE": str(certificate[0]),
               "PARTNERKIT_MAIL_FROM": "reports@agency.example"}
        s = SmtpSettings.from_environment(env)
        assert s.password == "s3cret" and "s3cret" not in repr(s)
        from partnerkit.reports.mail import compose

        s.send(compose(s, ["ana@lusitania.example"], a_report(tmp_path).headline or {}, "pt_PT",
                       [tmp_path / "pt-lusitania.pdf"]))
    assert inbox.envelopes == [("reports@agency.example", ["ana@lusitania.example"])]


def test_implicit_tls_delivers_and_an_untrusted_certificate_is_refused(
    certificate, tmp_path: Path
):
    from partnerkit.reports.mail import compose

    inbox = Inbox()
    report = a_report(tmp_path)
    with smtp_server(inbox, "ssl", certificate) as port:
        s = settings(port, security="ssl", ca_file=str(certificate[0]))
        s.send(compose(s, ["kim@northwind.example"], report.headline or {}, "en",
                       [tmp_path / "pt-lusitania.pdf"]))
        untrusted = settings(port, security="ssl", retries=0)
        with pytest.raises(OSError, match="CERTIFICATE_VERIFY_FAILED"):
            untrusted.send(compose(untrusted, ["kim@northwind.example"], report.headline or {},
                                   "en", []))
    assert len(inbox.messages) == 1


def test_a_failing_server_is_retried_reported_and_changes_nothing(demo: str, tmp_path: Path):
    report = a_report(tmp_path)
    before = Path(report.files["pdf"]).read_bytes()
    inbox = Inbox(fail=None)
    with smtp_server(inbox) as port:
        mailer = Mailer(settings(port, retries=2))
        result = mailer.deliver(demo, [report], {"pt-lusitania": "pt_PT"})
    assert inbox.attempts == 3 and not inbox.messages  # 1 try + 2 retries
    assert result.failed == 1 and "after 3 attempts" in result.lines()[1]
    assert "451" in result.lines()[1]
    assert Path(report.files["pdf"]).read_bytes() == before
    # Nothing recorded as sent: the next run (server fixed) mails it, once.
    flaky = Inbox(fail=1)
    with smtp_server(flaky) as port:
        done = Mailer(settings(port, retries=2)).deliver(demo, [report], {})
        again = Mailer(settings(port, retries=2)).deliver(demo, [report], {})
    assert done.count("sent") == 1 and flaky.attempts == 2 and len(flaky.messages) == 1
    assert again.count("already") == 1 and len(flaky.messages) == 1


def test_a_server_nobody_listens_on_fails_in_one_line_after_the_retries(demo, tmp_path: Path):
    mailer = Mailer(settings(free_port(), retries=1))
    result = mailer.deliver(demo, [a_report(tmp_path)], {})
    assert result.failed == 1 and "ConnectionRefusedError" in result.lines()[1]


@pytest.mark.parametrize(
    ("env", "message"),
    [({}, "PARTNERKIT_SMTP_HOST"),
     ({"PARTNERKIT_SMTP_HOST": "h"}, "PARTNERKIT_MAIL_FROM"),
     ({"PARTNERKIT_SMTP_HOST": "h", "PARTNERKIT_MAIL_FROM": "x@y.z",
       "PARTNERKIT_SMTP_SECURITY": "tls"}, "starttls, ssl or none"),
     ({"PARTNERKIT_SMTP_HOST": "h", "PARTNERKIT_MAIL_FROM": "x@y.z",
       "PARTNERKIT_SMTP_PORT": "99999"}, "PARTNERKIT_SMTP_PORT"),
     ({"PARTNERKIT_SMTP_HOST": "h", "PARTNERKIT_MAIL_FROM": "x@y.z\r\nBcc: all@evil.example"},
      "not a plain e-mail address"),
     ({"PARTNERKIT_SMTP_HOST": "h", "PARTNERKIT_MAIL_FROM": "x@y.z",
       "PARTNERKIT_SMTP_PASSWORD_FILE": "/nonexistent/pw"}, "cannot read")],
)
def test_wrong_smtp_settings_are_one_message_naming_the_variable(env: dict[str, str],
                                                                  message: str):
    with pytest.raises(MailSettingsError, match=message):
        SmtpSettings.from_environment(env)


def test_a_wrong_smtp_setting_stops_before_any_report_runs(demo: str, tmp_path: Path):
    p = partnerkit("report", "--all", "--month", "last", "--db", demo, "--mail",
                   cwd=tmp_path, env={"PARTNERKIT_SMTP_HOST": ""})
    assert p.returncode == 2 and "PARTNERKIT_SMTP_HOST" in p.stderr
    assert "Traceback" not in p.stderr and not (tmp_path / "reports").exists()
