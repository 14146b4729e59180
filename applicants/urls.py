from django.urls import include, path

from applicants import views

app_name = "applicants"
urlpatterns = [
    path("profile/", views.my_profile, name="my_profile"),
    path("list/", views.my_list, name="my_list"),
    path("applicants/<int:pk>/profile/", views.profile, name="profile"),
    path("applicants/<int:pk>/list/", views.tier_list, name="list"),
    path(
        "applicants/<int:pk>/programs/<str:acgme_id>/",
        views.program_explanation,
        name="explanation",
    ),
    path("", include("applicants.urls_tracker")),
    path("", include("applicants.urls_advisor")),
]
