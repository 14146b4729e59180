from django.urls import path

from applicants import views

app_name = "applicants"
urlpatterns = [
    path("profile/", views.my_profile, name="my_profile"),
    path("start/", views.landing, name="landing"),
    path("applicants/<int:pk>/profile/", views.profile, name="profile"),
]
