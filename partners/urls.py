"""The expert-partner portal's pages (``partners.portal``), at /partners/."""

from django.contrib.auth.views import LogoutView
from django.urls import path

from partners import portal

app_name = "partners"

urlpatterns = [
    path("", portal.submission_list, name="submissions"),
    path("login/", portal.LoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(next_page="partners:login"), name="logout"),
    path("submissions/new/", portal.submission_new, name="submission-new"),
    path("submissions/upload/", portal.submission_upload, name="submission-upload"),
    path("submissions/template.csv", portal.csv_template, name="csv-template"),
    path("submissions/<uuid:pk>/", portal.submission_detail, name="submission"),
    path("submissions/<uuid:pk>/answer/", portal.submission_answer, name="submission-answer"),
]
