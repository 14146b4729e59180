"""The strategy pages. Routes with ``<int:pk>`` are scoped to one applicant and are covered by
the access matrix in tests/applicants/test_access.py."""

from django.urls import path

from strategy import views

app_name = "strategy"
urlpatterns = [
    path("applicants/<int:pk>/strategy/", views.strategy_page, name="strategy"),
    path("applicants/<int:pk>/strategy/map/", views.strategy_map, name="map"),
    path("applicants/<int:pk>/strategy/signals/", views.signals_update, name="signals_update"),
    path("applicants/<int:pk>/strategy/signals/propose/", views.signals_propose,
         name="signals_propose"),
    path("applicants/<int:pk>/strategy/geography/", views.geography_update,
         name="geography_update"),
    path("applicants/<int:pk>/soap/", views.soap_page, name="soap"),
]
