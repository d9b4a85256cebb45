from django.urls import path

from editions import preview, views

app_name = "editions"
urlpatterns = [
    path("", views.EditionListView.as_view(), name="list"),
    path("<int:number>/", views.edition_detail, name="detail"),
    path("<int:number>/preview/", preview.edition_preview, name="preview"),
]
