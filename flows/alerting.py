"""The alert mail: findings each recipient has not had, journalled the moment the mail server
takes them, so that a run killed before publishing does not mail them again."""

from __future__ import annotations

import smtplib
from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

import warehouse
from flows.run import Run
from nianbao import alerts
from nianbao.records import Finding, MailOutcome, RunSummary
from nianbao.settings import Settings
from warehouse import Warehouse


@task(name="alert", cache_policy=NO_CACHE)
def alert(summary: RunSummary, run: Run, journal: alerts.SentJournal) -> MailOutcome:
    """Mail the findings each recipient has not had; what the server did not take (down, or
    a recipient refused) stays pending for the next run. Each mailing is journalled the moment
    the server takes it, so a run killed before publishing does not mail it again."""
    logger = get_run_logger()
    settings = run.settings
    # findings every recipient already had (a mailing replayed from the journal) are settled
    run.store.settle_alerts(summary.run_id, settings.alert_to)
    pending = run.store.pending_findings()
    if not pending:
        return MailOutcome()
    if not settings.smtp_host or not settings.alert_to:
        problem = (
            "no mail server or recipients set (NIANBAO_SMTP_HOST, NIANBAO_ALERT_TO); "
            "`nianbao alerts pending` lists what is waiting"
        )
        logger.warning("%d finding(s) pending: %s", len(pending), problem)
        return MailOutcome(len(pending), 0, problem)
    had = run.store.delivered([f.finding_key for f in pending])
    sent, problems = 0, []
    for group, findings in alerts.mailings(pending, settings.alert_to, had):
        try:
            took = _mail(group, findings, summary, run, journal)
        except (OSError, smtplib.SMTPException) as err:
            problems.append(f"to {', '.join(group)}: {type(err).__name__}: {err}")
            logger.warning(
                "alert mail %s not sent; %d finding(s) stay pending", problems[-1], len(findings)
            )
            continue
        if refused := [who for who in group if who not in took]:
            problems.append(f"the mail server refused {', '.join(refused)}")
            logger.warning("%s: their findings stay pending", problems[-1])
        if took:
            logger.info("alert mail sent to %s: %d finding(s)", ", ".join(took), len(findings))
            sent += len(findings)
    return MailOutcome(len(pending), sent, "; ".join(problems))


def _mail(
    group: list[str],
    findings: list[Finding],
    summary: RunSummary,
    run: Run,
    journal: alerts.SentJournal,
) -> list[str]:
    """Mail `findings` to `group`; who the server took it for, on record (journal, then the
    warehouse) the moment it took it."""
    settings = run.settings
    message = alerts.compose(findings, summary, settings, alerts.docs_links(settings), group)
    keys = [f.finding_key for f in findings]
    took: list[str] = []

    def accepted(refused: set[str]) -> None:
        took.extend(who for who in group if who not in refused)
        if took:
            journal.append(summary.run_id, took, keys)
            pairs = [(k, who) for k in keys for who in took]
            run.store.record_deliveries(summary.run_id, pairs, settings.alert_to)

    alerts.send(message, settings, accepted)
    return took


def mail_failure(settings: Settings, run_id: str, source: str, reason: str) -> bool:
    """Mail that the run failed (best effort: a mail server that is down too is logged)."""
    logger = get_run_logger()
    if not settings.smtp_host or not settings.alert_to:
        return False
    message = alerts.compose_failure(run_id, source, reason, settings)
    try:
        alerts.send(message, settings, lambda refused: None)
    except (OSError, smtplib.SMTPException) as err:
        logger.warning("the failed run's mail was not sent (%s: %s)", type(err).__name__, err)
        return False
    return True


def journal_path(db_path: Path) -> Path:
    real = warehouse.real_path(db_path)
    return real.with_name(real.name + ".alerts-sent")


def replay_journal(store: Warehouse, journal: alerts.SentJournal, recipients: list[str]) -> None:
    """Mailings an earlier run made but did not publish (it was killed, or its publish
    failed): recorded now, so that they are not mailed again."""
    for run_id, sent in journal.entries():
        store.record_deliveries(run_id, sent, recipients)
