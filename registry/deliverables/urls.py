from .excel import page_urlpatterns as excel_urlpatterns
from .views import urlpatterns_for_records

urlpatterns = [
    *urlpatterns_for_records(),
    *excel_urlpatterns(),
]
