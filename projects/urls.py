from django.urls import path

from . import views

urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/new/", views.ProjectFormView.as_view(), name="project-create"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<int:pk>/edit/", views.ProjectFormView.as_view(), name="project-edit"),
    path("projects/monthly/", views.MonthlyReportView.as_view(), name="project-monthly-report"),
    path("projects/review/", views.MonthReviewView.as_view(), name="project-month-review"),
    path("projects/locks/", views.MonthLockView.as_view(), name="project-month-lock"),
]
