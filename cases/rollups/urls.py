from django.urls import path

from . import views

app_name = "rollups"

urlpatterns = [
    path("board/", views.board_view, name="board"),
]
