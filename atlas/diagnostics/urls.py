from django.urls import path

from atlas.diagnostics import pdf_views, results_views, views

app_name = "diagnostics"
urlpatterns = [
    path("", views.index, name="index"),
    path("steps/", views.steps_page, name="steps"),
    path("open/<int:place_id>/", views.open_round, name="open"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/areas/<slug:area>/", views.answer_area, name="answer"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/xlsform/", views.xlsform, name="xlsform"),
    path("<int:pk>/import/", views.import_kobo, name="import"),
    path("<int:pk>/submit/", views.change_status, {"step": "submit"}, name="submit"),
    path("<int:pk>/reopen/", views.change_status, {"step": "reopen"}, name="reopen"),
    path("<int:pk>/publish/", views.change_status, {"step": "publish"}, name="publish"),
    path("<int:pk>/unpublish/", views.change_status, {"step": "unpublish"}, name="unpublish"),
    # results and report (results_views.py)
    path("<int:pk>/results/", results_views.results, name="results"),
    path("<int:pk>/report/", results_views.report, name="report"),
    path("<int:pk>/report.pdf", pdf_views.report_pdf, name="report_pdf"),
]
