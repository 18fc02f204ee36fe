from django.urls import path

from atlas.pages import views

app_name = "pages"
urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("vocabulary/", views.vocabulary, name="vocabulary"),
]
