from django.urls import path

from raci.views import (
    accounts,
    catalogue,
    exports,
    findings,
    history,
    imports,
    live,
    matrix,
    organizations,
    people,
    teams,
    versions,
)

app_name = "raci"

team = "o/<slug:org_slug>/t/<slug:team_slug>/"

urlpatterns = [
    path("", organizations.home, name="home"),
    path("signup/", accounts.signup, name="signup"),
    path("roles/", catalogue.role_definitions, name="role_definitions"),
    path("preferences/", accounts.editor_preferences, name="editor_preferences"),
    # Organization
    path("o/<slug:org_slug>/", organizations.organization_detail, name="organization"),
    path("o/<slug:org_slug>/members/", organizations.members, name="members"),
    path(
        "o/<slug:org_slug>/members/<int:membership_id>/",
        organizations.member_update,
        name="member_update",
    ),
    path(
        "o/<slug:org_slug>/members/<int:membership_id>/remove/",
        organizations.member_remove,
        name="member_remove",
    ),
    path(
        "o/<slug:org_slug>/members/<int:membership_id>/resend/",
        organizations.member_resend,
        name="member_resend",
    ),
    path("o/<slug:org_slug>/roles/", people.roles, name="roles"),
    path("o/<slug:org_slug>/roles/<int:role_id>/delete/", people.role_delete, name="role_delete"),
    path("o/<slug:org_slug>/teams/new/", teams.team_create, name="team_create"),
    path("o/<slug:org_slug>/trash/", teams.trash, name="trash"),
    path(
        "o/<slug:org_slug>/trash/<int:team_id>/restore/",
        teams.trash_restore,
        name="trash_restore",
    ),
    path("o/<slug:org_slug>/trash/<int:team_id>/delete/", teams.trash_delete, name="trash_delete"),
    # Team set-up
    path(team + "settings/", teams.team_settings, name="team_settings"),
    path(team + "delete/", teams.team_delete, name="team_delete"),
    path(team + "people/", people.team_people, name="team_people"),
    path(team + "people/<int:person_id>/", people.person_update, name="person_update"),
    path(team + "people/<int:person_id>/remove/", people.person_remove, name="person_remove"),
    # The matrix editor
    path(team, matrix.matrix, name="matrix"),
    path(team + "rows/", matrix.matrix_rows, name="matrix_rows"),
    path(team + "live/", live.team_live, name="live"),
    path(team + "cells/", matrix.cells_write, name="cells_write"),
    path(team + "collapsed/", matrix.category_collapse, name="category_collapse"),
    path(team + "cells/<int:activity_id>/<int:role_id>/", matrix.cell, name="cell"),
    path(team + "fix/", matrix.apply_fix, name="apply_fix"),
    path(team + "activities/", matrix.activity_add, name="activity_add"),
    path(team + "activities/<int:activity_id>/", matrix.activity_update, name="activity_update"),
    path(team + "activities/<int:activity_id>/move/", matrix.activity_move, name="activity_move"),
    path(
        team + "activities/<int:activity_id>/place/", matrix.activity_place, name="activity_place"
    ),
    path(
        team + "activities/<int:activity_id>/insert/",
        matrix.activity_insert,
        name="activity_insert",
    ),
    path(
        team + "activities/<int:activity_id>/rename/",
        matrix.activity_rename,
        name="activity_rename",
    ),
    path(
        team + "activities/<int:activity_id>/delete/",
        matrix.activity_delete,
        name="activity_delete",
    ),
    path(team + "activities/<int:activity_id>/link/", findings.activity_link, name="activity_link"),
    path(team + "columns/", matrix.column_add, name="column_add"),
    path(team + "columns/<int:role_id>/remove/", matrix.column_remove, name="column_remove"),
    # History: undo, redo, the change list, one cell's changes, restoring
    path(team + "undo/", history.undo, name="undo"),
    path(team + "redo/", history.redo, name="redo"),
    path(team + "history/", history.change_list, name="history"),
    path(team + "history/<int:revision>/restore/", history.restore, name="restore"),
    path(
        team + "cells/<int:activity_id>/<int:role_id>/history/",
        history.cell_history,
        name="cell_history",
    ),
    path(team + "export.<str:file_format>", exports.team_export, name="export"),
    path(team + "print/", exports.team_print, name="print"),
    path(team + "import/", imports.team_import, name="team_import"),
    path(team + "import/<int:upload_id>/", imports.import_preview, name="import_preview"),
    path("o/<slug:org_slug>/teams/import/", imports.team_import, name="import_new_team"),
    path(
        "o/<slug:org_slug>/teams/import/<int:upload_id>/",
        imports.import_preview,
        name="import_new_team_preview",
    ),
    path(
        "o/<slug:org_slug>/export.<str:file_format>",
        exports.organization_export,
        name="organization_export",
    ),
    # Named versions
    path(team + "versions/", versions.versions, name="versions"),
    path(team + "versions/compare/", versions.version_compare, name="version_compare"),
    path(team + "versions/compare.csv", versions.version_compare_csv, name="version_compare_csv"),
    path(
        team + "versions/<int:version_id>/restore/",
        versions.version_restore,
        name="version_restore",
    ),
    path(
        team + "versions/<int:version_id>/delete/",
        versions.version_delete,
        name="version_delete",
    ),
    # Reviewing findings
    path(team + "findings/accept/", findings.finding_accept, name="finding_accept"),
    path(team + "findings/accepted/", findings.accepted_findings, name="accepted_findings"),
    path(
        team + "findings/accepted/<int:acceptance_id>/reopen/",
        findings.finding_reopen,
        name="finding_reopen",
    ),
]
