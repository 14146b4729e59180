"""E-mail, sent by a task-queue worker (applicants/mail.py queues it after its counts)."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.core.mail import send_mail


# A mail server that is briefly down gets three more tries, a minute apart.
@shared_task(autoretry_for=(SMTPException, ConnectionError, TimeoutError), max_retries=3,
             default_retry_delay=60, soft_time_limit=60, time_limit=90)
def mail_deliver(subject: str, body: str, recipients: list[str]) -> None:
    send_mail(subject, body, None, recipients)
