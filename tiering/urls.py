"""The list pages. Routes with ``<int:pk>`` are scoped to one applicant and are covered by the
access matrix in tests/applicants/test_access.py."""

from django.urls import path

from tiering import views

app_name = "tiering"
urlpatterns = [
    path("try/", views.try_it, name="try_it"),
    path("try/list/", views.try_list, name="try_list"),
    path("try/what-if/", views.try_what_if, name="try_what_if"),
    path("try/save/", views.try_save, name="try_save"),
    path("list/", views.my_list, name="my_list"),
    path("applicants/<int:pk>/list/", views.tier_list, name="list"),
    path("applicants/<int:pk>/list/what-if/", views.list_what_if, name="what_if"),
    path("applicants/<int:pk>/list/build/", views.list_build, name="list_build"),
    path("applicants/<int:pk>/list/add/", views.list_add, name="list_add"),
    path("applicants/<int:pk>/list/<int:entry_id>/remove/", views.list_remove,
         name="list_remove"),
    path("applicants/<int:pk>/list/<int:entry_id>/pin/", views.list_pin, name="list_pin"),
    path(
        "applicants/<int:pk>/programs/<str:acgme_id>/",
        views.program_explanation,
        name="explanation",
    ),
]
