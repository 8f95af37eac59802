from django.urls import path

from .excel import page_urlpatterns as excel_urlpatterns
from .excel_graph import page_urlpatterns as relation_excel_urlpatterns
from .reporting_views import workshop_month_view
from .views import urlpatterns_for_records

urlpatterns = [
    *urlpatterns_for_records(),
    *excel_urlpatterns(),
    *relation_excel_urlpatterns(),
    path("workshop-reports/month/", workshop_month_view, name="workshop_month"),
]
