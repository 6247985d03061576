"""Assessment URLs, all under /assessment/."""

from django.urls import path

from .views import cycles, exchange, items, panel, reality

app_name = "assessment"

ITEM = "<str:year>/landlords/<slug:slug>/<int:number>/"

urlpatterns = [
    # Cycles and landlords
    path("", cycles.cycles, name="cycles"),
    path("new/", cycles.cycle_open, name="cycle-open"),
    path("<str:year>/", cycles.cycle, name="cycle"),
    path("<str:year>/stage/", cycles.stage_move, name="stage-move"),
    path("<str:year>/dashboard/", cycles.dashboard, name="dashboard"),
    path("<str:year>/add-landlord/", cycles.landlord_add, name="landlord-add"),
    path("<str:year>/landlords/<slug:slug>/", cycles.participation, name="participation"),
    path("<str:year>/landlords/<slug:slug>/submit/", cycles.submit, name="submit"),
    path("<str:year>/landlords/<slug:slug>/reviewer/", cycles.reviewer_assign, name="reviewer"),
    # One commitment
    path(ITEM, items.item, name="item"),
    path(ITEM + "self-assessment/", items.item_self, name="item-self"),
    path(ITEM + "review/", items.item_review, name="item-review"),
    path(ITEM + "reply/", items.item_reply, name="item-reply"),
    path(ITEM + "moderation/", items.item_moderate, name="item-moderate"),
    path(ITEM + "reopen/", items.item_reopen, name="item-reopen"),
    path(ITEM + "timeline/", items.item_timeline, name="item-timeline"),
    path(ITEM + "evidence/", items.evidence_add, name="evidence-add"),
    path(ITEM + "evidence/<int:pk>/", items.evidence_file, name="evidence-file"),
    path(ITEM + "evidence/<int:pk>/remove/", items.evidence_remove, name="evidence-remove"),
    path(ITEM + "evidence-requests/", items.evidence_request, name="evidence-request"),
    path(ITEM + "actions/", items.action_add, name="action-add"),
    path(ITEM + "actions/<int:pk>/", items.action_update, name="action-update"),
    # The moderation panel
    path("<str:year>/panel/", panel.panel, name="panel"),
    path(
        "<str:year>/panel/members/<int:pk>/remove/",
        panel.panel_member_remove,
        name="panel-member-remove",
    ),
    path("<str:year>/panel/papers/", panel.panel_papers, name="panel-papers"),
    path("<str:year>/panel/papers/<slug:slug>/<int:number>/", panel.panel_item, name="panel-item"),
    # Reality checks
    path(
        "residents/reality-checks/", reality.reality_checks_current, name="reality-checks-current"
    ),
    path("<str:year>/reality-checks/", reality.reality_checks, name="reality-checks"),
    path("<str:year>/reality-checks/overview/", reality.reality_overview, name="reality-overview"),
    path("<str:year>/reality-checks/comments/", reality.reality_comments, name="reality-comments"),
    path(
        "<str:year>/reality-checks/sessions/add/",
        reality.reality_session_add,
        name="reality-session-add",
    ),
    # Spreadsheets
    path("<str:year>/landlords/<slug:slug>/spreadsheet/", exchange.self_export, name="self-export"),
    path(
        "<str:year>/landlords/<slug:slug>/spreadsheet/import/",
        exchange.self_import,
        name="self-import",
    ),
    path("<str:year>/spreadsheets/", exchange.cycle_spreadsheets, name="spreadsheets"),
    path(
        "<str:year>/spreadsheets/<slug:which>.<slug:fmt>",
        exchange.cycle_export,
        name="cycle-export",
    ),
]
