"""The patrol pages: recording (inspections, photos), enforcement (orders, re-inspection, stop-work,
unauthorised openings), the due list and the teams, the checklists."""

from django.urls import path

from .views import checklists, due, enforcement, recording

app_name = "inspections"

urlpatterns = [
    path("new/", recording.record_view, name="new"),
    path("<int:pk>/", recording.detail_view, name="detail"),
    path("photos/<int:pk>/", recording.photo_view, name="photo"),
    path("photos/<int:pk>/file/", recording.photo_file_view, name="photo_file"),
    path("photos/<int:pk>/thumb/", recording.photo_thumb_view, name="photo_thumb"),
    path("orders/", enforcement.orders_view, name="orders"),
    path("orders/<int:pk>/reinspect/", enforcement.reinspect_view, name="reinspect"),
    path("stop-works/<int:pk>/", enforcement.stop_work_view, name="stop_work"),
    path("unauthorised/new/", enforcement.unauthorised_view, name="unauthorised_new"),
    path("due/", due.due_view, name="due"),
    path("due/rebuild/", due.due_rebuild_view, name="due_rebuild"),
    path("teams/", due.teams_view, name="teams"),
    path("teams/<int:pk>/", due.team_view, name="team"),
    path("checklists/", checklists.checklists_view, name="checklists"),
    path("checklists/<int:pk>/", checklists.checklist_view, name="checklist"),
    path("checklists/<int:pk>/draft/", checklists.checklist_draft_view, name="checklist_draft"),
    path("checklists/<int:pk>/items/", checklists.checklist_item_view, name="checklist_item"),
    path("checklists/<int:pk>/items/remove/", checklists.checklist_item_remove_view, name="checklist_item_remove"),
    path("checklists/<int:pk>/publish/", checklists.checklist_publish_view, name="checklist_publish"),
]
