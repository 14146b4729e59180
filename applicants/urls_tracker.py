from django.urls import path

from applicants import views_tracker

urlpatterns = [
    path("applicants/<int:pk>/tracker.xlsx", views_tracker.tracker_xlsx, name="tracker_xlsx"),
    path("applicants/<int:pk>/tracker.csv", views_tracker.tracker_csv, name="tracker_csv"),
    path("applicants/<int:pk>/tracker/upload/", views_tracker.tracker_upload,
         name="tracker_upload"),
    path("applicants/<int:pk>/tracker/confirm/", views_tracker.tracker_confirm,
         name="tracker_confirm"),
    path("applicants/<int:pk>/entries/<int:entry_id>/tracking/", views_tracker.entry_tracking,
         name="entry_tracking"),
]
