from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView

from applicants import views as applicant_views
from applicants.forms import EmailAuthenticationForm, ThrottledPasswordResetForm
from applicants.language import set_language
from programs import views as program_views

urlpatterns = [
    path("", applicant_views.home, name="home"),
    # Search engines may read the catalog and the sources, not the account pages or the admin.
    # People's lists need a log-in, which keeps them out; a Disallow line would only make
    # Lighthouse mark them as blocked from indexing.
    path("robots.txt", TemplateView.as_view(template_name="robots.txt",
                                            content_type="text/plain"), name="robots"),
    path("accounts/signup/", applicant_views.signup, name="signup"),
    path("accounts/confirm/again/", applicant_views.confirmation_again,
         name="confirmation_again"),
    path("accounts/confirm/<str:token>/", applicant_views.confirm_email, name="confirm_email"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/",
         auth_views.PasswordResetView.as_view(form_class=ThrottledPasswordResetForm),
         name="password_reset"),
    path("accounts/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("programs/", include("programs.urls")),
    path("sources/", program_views.sources, name="sources"),
    path("", include("applicants.urls")),
    path("", include("tiering.urls")),
    path("", include("strategy.urls")),
    path("", include("tracker.urls")),
    path("", include("advising.urls")),
    path("admin/", admin.site.urls),
    # The language switcher posts here; ours also saves the choice on the account. Django's
    # own i18n URLs follow (the first match wins), unprefixed like every other page.
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
]
