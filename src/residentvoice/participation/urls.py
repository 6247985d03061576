"""Addresses of resident participation: consultations, scrutiny, the register, and a resident's
own contributions."""

from django.urls import path

from .views import account, consultations, register, scrutiny

app_name = "participation"
urlpatterns = [
    # Consultations, public side
    path("consultations/", consultations.consultation_list, name="consultation-list"),
    path("consultations/<int:pk>/", consultations.consultation_detail, name="consultation-detail"),
    path(
        "consultations/<int:pk>/documents/<int:document>/",
        consultations.consultation_document,
        name="consultation-document",
    ),
    path(
        "consultations/<int:pk>/answer/",
        consultations.consultation_answer,
        name="consultation-answer",
    ),
    path(
        "consultations/<int:pk>/other-format/",
        consultations.consultation_format,
        name="consultation-other-format",
    ),
    path(
        "consultations/<int:pk>/follow/",
        consultations.consultation_follow,
        name="consultation-follow",
    ),
    path(
        "consultations/<int:pk>/results/",
        consultations.consultation_results,
        name="consultation-results",
    ),
    # Consultations, staff side
    path("manage/consultations/", consultations.manage_list, name="manage-consultations"),
    path(
        "manage/consultations/new/", consultations.consultation_create, name="consultation-create"
    ),
    path(
        "manage/consultations/new/participation-strategy/",
        consultations.consultation_from_template,
        name="consultation-from-template",
    ),
    path(
        "manage/consultations/<int:pk>/",
        consultations.consultation_manage,
        name="consultation-manage",
    ),
    path(
        "manage/consultations/<int:pk>/edit/",
        consultations.consultation_edit,
        name="consultation-edit",
    ),
    path(
        "manage/consultations/<int:pk>/questions/new/",
        consultations.question_add,
        name="question-add",
    ),
    path("manage/questions/<int:pk>/", consultations.question_edit, name="question-edit"),
    path(
        "manage/questions/<int:pk>/delete/", consultations.question_delete, name="question-delete"
    ),
    path("manage/questions/<int:pk>/move/", consultations.question_move, name="question-move"),
    path(
        "manage/consultations/<int:pk>/documents/new/",
        consultations.document_add,
        name="consultation-document-add",
    ),
    path(
        "manage/consultations/<int:pk>/publish/",
        consultations.consultation_publish,
        name="consultation-publish",
    ),
    path(
        "manage/consultations/<int:pk>/paper/",
        consultations.paper_response,
        name="consultation-paper",
    ),
    path(
        "manage/consultations/<int:pk>/formats/",
        consultations.format_requests,
        name="consultation-formats",
    ),
    path(
        "manage/consultations/<int:pk>/moderate/",
        consultations.moderate,
        name="consultation-moderate",
    ),
    path(
        "manage/consultations/<int:pk>/results/publish/",
        consultations.results_publish,
        name="consultation-results-publish",
    ),
    path(
        "manage/consultations/<int:pk>/outcome/",
        consultations.outcome,
        name="consultation-outcome",
    ),
    # Scrutiny
    path("scrutiny/", scrutiny.panel_list, name="panel-list"),
    path("scrutiny/panels/new/", scrutiny.panel_create, name="panel-create"),
    path("scrutiny/panels/<int:pk>/", scrutiny.panel_detail, name="panel-detail"),
    path("scrutiny/panels/<int:pk>/edit/", scrutiny.panel_edit, name="panel-edit"),
    path("scrutiny/panels/<int:pk>/members/", scrutiny.panel_members, name="panel-members"),
    path("scrutiny/members/<int:pk>/", scrutiny.member_edit, name="member-edit"),
    path("scrutiny/panels/<int:pk>/meetings/new/", scrutiny.meeting_create, name="meeting-create"),
    path("scrutiny/meetings/<int:pk>/", scrutiny.meeting_detail, name="meeting-detail"),
    path("scrutiny/meetings/<int:pk>/edit/", scrutiny.meeting_edit, name="meeting-edit"),
    path("scrutiny/panels/<int:pk>/documents/", scrutiny.document_list, name="document-list"),
    path("scrutiny/panels/<int:pk>/documents/new/", scrutiny.document_add, name="document-add"),
    path("scrutiny/documents/<int:pk>/", scrutiny.document_download, name="document-download"),
    path("scrutiny/panels/<int:pk>/rounds/new/", scrutiny.round_create, name="round-create"),
    path("scrutiny/rounds/<int:pk>/", scrutiny.round_detail, name="round-detail"),
    path("scrutiny/rounds/<int:pk>/propose/", scrutiny.topic_propose, name="topic-propose"),
    path("scrutiny/rounds/<int:pk>/decide/", scrutiny.round_decide, name="round-decide"),
    path("scrutiny/topics/<int:pk>/vote/", scrutiny.topic_vote, name="topic-vote"),
    path("scrutiny/panels/<int:pk>/reviews/new/", scrutiny.review_create, name="review-create"),
    path("scrutiny/reviews/<int:pk>/", scrutiny.review_detail, name="review-detail"),
    path("scrutiny/reviews/<int:pk>/edit/", scrutiny.review_edit, name="review-edit"),
    path("scrutiny/reviews/<int:pk>/stage/", scrutiny.review_stage, name="review-stage"),
    path(
        "scrutiny/reviews/<int:pk>/recommendations/new/",
        scrutiny.recommendation_add,
        name="recommendation-add",
    ),
    path(
        "scrutiny/reviews/<int:pk>/information/new/",
        scrutiny.data_request_create,
        name="data-request-create",
    ),
    path(
        "scrutiny/information/<int:pk>/answer/",
        scrutiny.data_request_answer,
        name="data-request-answer",
    ),
    path(
        "scrutiny/recommendations/<int:pk>/edit/",
        scrutiny.recommendation_edit,
        name="recommendation-edit",
    ),
    path(
        "scrutiny/recommendations/<int:pk>/answer/",
        scrutiny.recommendation_answer,
        name="recommendation-answer",
    ),
    path(
        "scrutiny/recommendations/<int:pk>/progress/",
        scrutiny.recommendation_progress,
        name="recommendation-progress",
    ),
    path(
        "scrutiny/recommendations/<int:pk>/challenge/",
        scrutiny.recommendation_challenge,
        name="recommendation-challenge",
    ),
    path("manage/scrutiny/overdue/", scrutiny.overdue, name="overdue"),
    # You said, we did
    path("you-said-we-did/", register.register, name="register"),
    path("you-said-we-did/feed/", register.register_feed, name="register-feed"),
    path("you-said-we-did/register.csv", register.register_csv, name="register-csv"),
    path("you-said-we-did/entries/<int:pk>/", register.register_entry, name="register-entry"),
    path("you-said-we-did/<slug:slug>/", register.register_landlord, name="register-landlord"),
    # Reports of published text
    path("report/<str:kind>/<int:object_id>/", register.report_content, name="report-content"),
    path("manage/reports/", register.report_list, name="report-list"),
    path("manage/reports/<int:pk>/", register.report_resolve, name="report-resolve"),
    # A resident's own contributions
    path("account/my-contributions/", account.my_contributions, name="my-contributions"),
    path(
        "account/my-contributions/download.<str:fmt>",
        account.my_contributions_download,
        name="my-contributions-download",
    ),
    path("account/my-contributions/delete/", account.account_delete, name="account-delete"),
]
