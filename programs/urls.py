from django.urls import path

from programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="list"),
    # Before "<acgme_id>/", which would take "review" for an id.
    path("review/", views.review_queue, name="review"),
    path("<str:acgme_id>/", views.program_detail, name="detail"),
    path("<str:acgme_id>/verify/", views.verify_fact, name="verify"),
    path("<str:acgme_id>/report/", views.report_error, name="report"),
]
