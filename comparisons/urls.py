from django.urls import path

from comparisons import views

app_name = "comparisons"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:a>/<int:b>/", views.pair, name="pair"),
]
