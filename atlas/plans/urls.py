from django.urls import path

from atlas.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/<int:assessment_id>/", views.build_plan, name="build"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/publish/", views.publish_plan, name="publish"),
    path("<int:plan_id>/versions/<int:number>/", views.version_detail, name="version"),
    path("<int:plan_id>/actions/<int:action_id>/edit/", views.edit_action, name="edit_action"),
    path("<int:plan_id>/actions/<int:action_id>/notes/", views.add_note, name="add_note"),
]
