"""The ground's page URLs: login, home, about, divisions, organisations."""
from django.contrib.auth import views as auth_views
from django.urls import path

from . import lookups, views

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("divisions/", views.DivisionListView.as_view(), name="division-list"),
    path("divisions/<str:code>/", views.DivisionDetailView.as_view(), name="division-detail"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    *lookups.urlpatterns,
]
