"""The alert mail: one digest per run of the findings not mailed before (HTML and plain text)."""

from __future__ import annotations

import html
import json
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path

from nianbao.records import Finding, RunSummary
from nianbao.settings import Settings


def _cells(finding: Finding) -> list[str]:
    """'where: printed X, expected Y' for each cell a failed check names."""
    if not finding.details:
        return []
    cells = json.loads(finding.details).get("cells", [])
    out = []
    for cell in cells:
        printed, expected = cell.get("printed"), cell.get("expected")
        place = ", ".join(f"{k} {v}" for k, v in cell.items() if k not in ("printed", "expected"))
        if printed is not None or expected is not None:
            out.append(f"{place}: printed {printed}, expected {expected}")
        else:
            out.append(place)
    return out


def _title(finding: Finding) -> str:
    body = finding.agency or "(unread file)"
    year = f" {finding.year}" if finding.year else ""
    what = f"{finding.check_id} ({finding.severity})" if finding.check_id else "quarantined"
    return f"{body}{year}: {what}"


def compose(
    findings: list[Finding], summary: RunSummary, settings: Settings, docs: Path | None
) -> EmailMessage:
    reports = len({f.report_id for f in findings})
    msg = EmailMessage()
    msg["Subject"] = (
        f"nianbao: {len(findings)} new finding(s) in {reports} report(s) (run {summary.run_id})"
    )
    msg["From"] = settings.alert_from
    msg["To"] = ", ".join(settings.alert_to)
    counts = (
        f"run {summary.run_id} on {summary.source}: reports found {len(summary.outcomes)}, "
        f"loaded {summary.count('loaded')}, unchanged {summary.count('unchanged')}, "
        f"quarantined {summary.count('quarantined')}, checks failed {summary.failed_checks}"
    )
    lines = [counts, ""]
    blocks = []
    for f in findings:
        cells = _cells(f)
        detail = f.reason if f.check_id is None else "; ".join(cells)
        lines += [f"- {_title(f)}", f"  {detail}", f"  source: {f.source_url}"]
        items = (
            "".join(f"<li>{html.escape(c)}</li>" for c in cells)
            or f"<li>{html.escape(f.reason or '')}</li>"
        )
        blocks.append(
            f"<h3>{html.escape(_title(f))}</h3><ul>{items}</ul>"
            f'<p>source: <a href="{html.escape(f.source_url)}">{html.escape(f.source_url)}</a></p>'
        )
    if docs is not None:
        lines += ["", f"Data Docs: {docs}"]
        blocks.append(
            f'<p>Data Docs: <a href="file://{html.escape(str(docs))}">{html.escape(str(docs))}</a></p>'
        )
    msg.set_content("\n".join(lines) + "\n")
    msg.add_alternative(
        f"<html><body><p>{html.escape(counts)}</p>{''.join(blocks)}</body></html>", subtype="html"
    )
    return msg


def send(msg: EmailMessage, settings: Settings) -> None:
    """Deliver through the configured server; raises OSError / smtplib.SMTPException on failure."""
    assert settings.smtp_host is not None
    timeout = settings.smtp_timeout_seconds
    if settings.smtp_security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:
        server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    with server:
        if settings.smtp_security == "starttls":
            server.starttls(context=ssl.create_default_context())
        if settings.smtp_user and settings.smtp_password:
            server.login(settings.smtp_user, settings.smtp_password.get_secret_value())
        server.send_message(msg)
