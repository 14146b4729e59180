from django.urls import path

from tracker import views

app_name = "tracker"

urlpatterns = [
    path("applicants/<int:pk>/tracker.xlsx", views.tracker_xlsx, name="tracker_xlsx"),
    path("applicants/<int:pk>/tracker.csv", views.tracker_csv, name="tracker_csv"),
    path("applicants/<int:pk>/tracker/upload/", views.tracker_upload,
         name="tracker_upload"),
    path("applicants/<int:pk>/tracker/upload/<int:upload_id>/", views.tracker_upload_status,
         name="tracker_upload_status"),
    path("applicants/<int:pk>/tracker/confirm/", views.tracker_confirm,
         name="tracker_confirm"),
    path("applicants/<int:pk>/entries/<int:entry_id>/tracking/", views.entry_tracking,
         name="entry_tracking"),
]
