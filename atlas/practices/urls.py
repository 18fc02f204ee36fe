from django.urls import path

from atlas.practices import views

app_name = "practices"
urlpatterns = [
    path("", views.practice_list, name="list"),
    path("submit/", views.submit, name="submit"),
    path("submit/thanks/", views.submitted, name="submitted"),
    path("feed/", views.LatestPracticesFeed(), name="feed"),
    path("<slug:slug>/", views.practice_detail, name="detail"),
]
