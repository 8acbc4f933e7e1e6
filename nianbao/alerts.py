"""The alert mail: one digest per run of the findings not mailed before (HTML and plain text)."""

from __future__ import annotations

import contextlib
import email.utils
import html
import json
import os
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

from nianbao.form import CHECK_MEANINGS, CODE_LABELS
from nianbao.records import READING_MEANINGS, Finding, RunSummary
from nianbao.settings import Settings


def _cells(finding: Finding) -> list[str]:
    """'where: printed X, expected Y' for each cell a failed check names."""
    if not finding.details:
        return []
    cells = json.loads(finding.details).get("cells", [])
    out = []
    for cell in cells:
        if "carried_in" in cell:
            out.append(_continuity(cell))
            continue
        printed, expected = cell.get("printed"), cell.get("expected")
        place = ", ".join(_place(k, v) for k, v in cell.items() if k not in ("printed", "expected"))
        if printed is not None or expected is not None:
            out.append(f"{place}: printed {printed}, expected {expected}")
        else:
            out.append(place)
    return out


def _continuity(cell: dict[str, object]) -> str:
    """An R7 pair by its years, not its reports' ids: '总计: 2024 carried over 3 (上年结转),
    2023 carried forward 4 (结转下年度)'."""
    column = CODE_LABELS["applicant_code"].get(str(cell.get("applicant_code")), "?")
    year = int(str(cell.get("year")))
    return (  # whole counts are stored as ints (expectations/suites.plain_value)
        f"{column}: {year} carried over {cell.get('carried_in')} (上年结转), "
        f"{year - 1} carried forward {cell.get('carried_out_last_year')} (结转下年度)"
    )


def _place(key: str, value: object) -> str:
    """'row_code 3.2 (（二）部分公开)': a code with the label the form prints for it (a
    cell's reading with what it means)."""
    labels = READING_MEANINGS if key == "reading" else CODE_LABELS.get(key, {})
    label = labels.get(str(value))
    return f"{key} {value} ({label})" if label else f"{key} {value}"


def _in_order(findings: list[Finding]) -> list[list[Finding]]:
    """The findings grouped by report: reports with an error first, then those with only
    warnings, then unreadable files; within a report, errors before warnings."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.report_id, []).append(f)

    def rank(group: list[Finding]) -> tuple[int, str]:
        kinds = {("quarantined" if f.check_id is None else f.severity) for f in group}
        order = 0 if "error" in kinds else 1 if "warning" in kinds else 2
        return order, f"{group[0].agency or ''} {group[0].year or ''}"

    ordered = sorted(groups.values(), key=rank)
    return [sorted(g, key=lambda f: (f.severity != "error", f.check_id or "")) for g in ordered]


def _counts(findings: list[Finding]) -> str:
    errors = sum(1 for f in findings if f.check_id and f.severity == "error")
    warnings = sum(1 for f in findings if f.check_id and f.severity != "error")
    unreadable = sum(1 for f in findings if f.check_id is None)
    reports = len({f.report_id for f in findings})
    return (
        f"{errors} error(s), {warnings} warning(s), {unreadable} unreadable file(s) "
        f"in {reports} report(s)"
    )


WHAT_TO_DO = (
    "What to do: an error means the report's arithmetic does not hold as printed: compare the "
    "cells named with the report (the source link), and if nianbao misread it, `nianbao read "
    "FILE` shows what it read. A warning is worth a look, not proof. An unreadable file stays "
    "quarantined with its reason; a newer file for the same body and year replaces it."
)


def _title(finding: Finding) -> str:
    body = finding.agency or "(unread file)"
    year = f" {finding.year}" if finding.year else ""
    what = f"{finding.check_id} ({finding.severity})" if finding.check_id else "quarantined"
    return f"{body}{year}: {what}"


DOCS_PAGES = (("Run report", "report.html"), ("Data Docs", "index.html"))


def docs_links(settings: Settings) -> list[tuple[str, str]]:
    """(name, address) of the run report and the Data Docs a run wrote: under
    NIANBAO_DOCS_BASE_URL when the docs folder is served (links that work anywhere), else
    the files on this machine."""
    links = []
    for name, page in DOCS_PAGES:
        path = settings.docs_folder / page
        if not path.exists():
            continue
        base = settings.docs_base_url
        links.append((name, f"{base.rstrip('/')}/{page}" if base else path.resolve().as_uri()))
    return links


def compose(
    findings: list[Finding],
    summary: RunSummary,
    settings: Settings,
    links: list[tuple[str, str]],
    to: list[str] | None = None,
) -> EmailMessage:
    reports = len({f.report_id for f in findings})
    msg = EmailMessage()
    msg["Subject"] = (
        f"nianbao: {len(findings)} new finding(s) in {reports} report(s) (run {summary.run_id})"
    )
    msg["From"] = settings.alert_from
    msg["To"] = ", ".join(to if to is not None else settings.alert_to)
    # Without them spam filters mark the mail down (RFC 5322 asks for both).
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["Message-ID"] = email.utils.make_msgid("nianbao", _sender_domain(settings.alert_from))
    counts = f"run {summary.run_id} on {summary.source}: {summary.line()}"
    lines = [_counts(findings), counts, ""]
    blocks = [f"<p><b>{html.escape(_counts(findings))}</b></p>"]
    for group in _in_order(findings):
        for f in group:
            cells = _cells(f)
            meaning = CHECK_MEANINGS.get(f.check_id or "", "")
            detail = f.reason if f.check_id is None else "; ".join(cells)
            lines += [f"- {_title(f)}"] + ([f"  ({meaning})"] if meaning else [])
            lines += [f"  {detail}", f"  source: {f.source_url}"]
            items = (
                "".join(f"<li>{html.escape(c)}</li>" for c in cells)
                or f"<li>{html.escape(f.reason or '')}</li>"
            )
            blocks.append(
                f"<h3>{html.escape(_title(f))}</h3>"
                + (f"<p><i>{html.escape(meaning)}</i></p>" if meaning else "")
                + f"<ul>{items}</ul>"
                f'<p>source: <a href="{html.escape(f.source_url)}">{html.escape(f.source_url)}</a></p>'
            )
    lines += ["", WHAT_TO_DO]
    blocks.append(f"<p>{html.escape(WHAT_TO_DO)}</p>")
    if links:
        lines.append("")
    for name, address in links:
        lines.append(f"{name}: {address}")
        shown = html.escape(address)
        blocks.append(f'<p>{html.escape(name)}: <a href="{shown}">{shown}</a></p>')
    msg.set_content("\n".join(lines) + "\n")
    msg.add_alternative(
        f"<html><body><p>{html.escape(counts)}</p>{''.join(blocks)}</body></html>", subtype="html"
    )
    return msg


def describe(finding: Finding) -> str:
    """A finding in a line: body, year, check (or quarantined), and its cells or reason."""
    detail = finding.reason if finding.check_id is None else "; ".join(_cells(finding))
    return f"{_title(finding)}: {detail or ''} ({finding.source_url})"


def compose_test(settings: Settings) -> EmailMessage:
    """A short mail that checks the server and the recipients (`nianbao alerts send --test`)."""
    msg = EmailMessage()
    msg["Subject"] = "nianbao: test mail"
    msg["From"] = settings.alert_from
    msg["To"] = ", ".join(settings.alert_to)
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["Message-ID"] = email.utils.make_msgid("nianbao", _sender_domain(settings.alert_from))
    msg.set_content("This is a test of nianbao's alert mail: the settings work.\n")
    return msg


def compose_failure(run_id: str, source: str, reason: str, settings: Settings) -> EmailMessage:
    """The mail for a run that could not work (portal unreachable, warehouse unwritable):
    nothing was published, and the next run tries again."""
    msg = EmailMessage()
    msg["Subject"] = f"nianbao: run {run_id} failed: {reason[:120]}"
    msg["From"] = settings.alert_from
    msg["To"] = ", ".join(settings.alert_to)
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["Message-ID"] = email.utils.make_msgid("nianbao", _sender_domain(settings.alert_from))
    msg.set_content(
        f"run {run_id} on {source} failed: {reason}\n\n"
        "Nothing it loaded was published: the warehouse is as the last good night left it, and "
        "the run is in `runs` as failed (`nianbao runs`). The next run tries again; if it "
        "keeps failing, check that the portal answers and the warehouse's folder is writable.\n"
    )
    return msg


def _sender_domain(sender: str) -> str:
    """The domain of the From address (the Message-ID's right-hand side), else localhost."""
    address = email.utils.parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"


def send(msg: EmailMessage, settings: Settings, accepted: Callable[[set[str]], None]) -> None:
    """Deliver through the configured server. `accepted(refused)` is called the moment the
    server has taken the message, with the recipients it refused (a 550 for one of them),
    before the session is closed: a server that then stalls on QUIT, or a run killed then,
    cannot make a delivered mail look undelivered. Raises OSError / smtplib.SMTPException
    when the message was not taken."""
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
    try:
        if settings.smtp_security == "starttls":
            server.starttls(context=ssl.create_default_context())
        if settings.smtp_user and settings.smtp_password:
            server.login(settings.smtp_user, settings.smtp_password.get_secret_value())
        try:
            refused = server.send_message(msg)
        except smtplib.SMTPRecipientsRefused as err:  # every recipient refused
            refused = err.recipients
        accepted({str(who) for who in refused})
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            server.quit()
        server.close()


def mailings(
    pending: list[Finding], recipients: list[str], delivered: set[tuple[str, str]]
) -> list[tuple[list[str], list[Finding]]]:
    """One mail per set of recipients owed the same findings: (recipients, findings). A
    recipient refused before is owed what the others already had."""
    owed: dict[tuple[str, ...], list[str]] = {}
    for who in dict.fromkeys(recipients):
        keys = tuple(f.finding_key for f in pending if (f.finding_key, who) not in delivered)
        if keys:
            owed.setdefault(keys, []).append(who)
    by_key = {f.finding_key: f for f in pending}
    return [(group, [by_key[k] for k in keys]) for keys, group in owed.items()]


class SentJournal:
    """What was mailed, written (and synced) the moment the server took it, in a file beside
    the warehouse. The warehouse learns of a mailing only when the night is published; a run
    killed in between would otherwise mail the same findings again the next night. The next
    run reads this back into the warehouse; a published night clears it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, run_id: str, recipients: list[str], keys: list[str]) -> None:
        line = json.dumps({"run_id": run_id, "recipients": recipients, "keys": keys})
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def entries(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(run_id, [(finding_key, recipient)]) of every mailing recorded; a torn last line
        (a crash while writing it) is ignored."""
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            pairs = [(k, r) for k in entry["keys"] for r in entry["recipients"]]
            out.append((str(entry["run_id"]), pairs))
        return out

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
