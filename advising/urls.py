"""Advisor URLs. Routes with ``<int:pk>`` are scoped to
one applicant and are covered by the access matrix in tests/applicants/test_access.py."""

from django.urls import path

from advising import views

app_name = "advising"

ENTRY = "applicants/<int:pk>/entries/<int:entry_id>"

urlpatterns = [
    path("advisor/", views.dashboard, name="advisor_dashboard"),
    path("advisor/codes/", views.code_create, name="advisor_code_create"),
    path("advisor/confirm-again/", views.confirmation_resend, name="advisor_confirm_resend"),
    path("advisors/", views.my_advisors, name="my_advisors"),
    path("advisors/invite/", views.advisor_invite, name="advisor_invite"),
    path("advisors/accept/", views.advisor_accept_code, name="advisor_accept_code"),
    path("advisors/<int:link_id>/revoke/", views.advisor_revoke, name="advisor_revoke"),
    path(f"{ENTRY}/override/", views.entry_override, name="entry_override"),
    path(f"{ENTRY}/clear-override/", views.entry_clear_override, name="entry_clear_override"),
    path(f"{ENTRY}/exclude/", views.entry_exclude, name="entry_exclude"),
    path(f"{ENTRY}/restore/", views.entry_restore, name="entry_restore"),
    path("applicants/<int:pk>/notes/", views.note_add, name="note_add"),
    path("applicants/<int:pk>/history/", views.history, name="history"),
    path("accounts/signup/advisor/", views.advisor_signup, name="advisor_signup"),
    path("staff/freshness/", views.freshness, name="freshness"),
]
