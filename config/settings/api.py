"""Settings of the REST API, its schema and its filters."""
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's parsers plus the input rules of registry.inputs (control characters, nesting depth).
    "DEFAULT_PARSER_CLASSES": [
        "registry.api.parsers.JSONParser",
        "registry.api.parsers.FormParser",
        "registry.api.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "registry.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "registry.api.errors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "千万工程 城乡融合 交办跟踪销号 API",
    "DESCRIPTION": "Registry of divisions, organisations, deliverables, projects and cases.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "registry.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ClusterLevelEnum": "registry.deliverables.models.ClusterLevel.choices",
        "DivisionLevelEnum": "registry.models.divisions.DivisionLevel.choices",
        "CaseStateEnum": "cases.models.CaseState",
        "CaseLevelEnum": "cases.models.CaseLevel",
        "ProjectKindEnum": "projects.models.ProjectKind",
        "ProjectStageEnum": "projects.models.ProjectStage",
        "ReportStatusEnum": "projects.models.ReportStatus",
    },
}

# django-filter's own strings (its shipped zh_CN does not serve zh-hans).
FILTERS_EMPTY_CHOICE_LABEL = "全部"
FILTERS_VERBOSE_LOOKUPS = {"exact": "", "icontains": "包含", "gte": "不小于", "lte": "不大于", "in": "属于"}
