"""The list pages. Routes with ``<int:pk>`` are scoped to one applicant and are covered by the
access matrix in tests/applicants/test_access.py."""

from django.urls import path

from tiering import views

app_name = "tiering"
urlpatterns = [
    path("list/", views.my_list, name="my_list"),
    path("applicants/<int:pk>/list/", views.tier_list, name="list"),
    path(
        "applicants/<int:pk>/programs/<str:acgme_id>/",
        views.program_explanation,
        name="explanation",
    ),
]
