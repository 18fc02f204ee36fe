from django.urls import path

from atlas.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.table_list, name="list"),
    path("new/", views.new_run, name="new"),
    path("runs/<str:run_id>/", views.run_preview, name="preview"),
    path("runs/<str:run_id>/publish/", views.run_publish, name="publish"),
    path("<int:table_id>/", views.table_detail, name="detail"),
    path("<int:table_id>/download/<str:file_format>/", views.table_download, name="download"),
]
