"""The project's URLs: each app's pages and API, the schema, health check and admin."""
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from registry.api.schema import SchemaView, swagger_ui
from registry.views import healthz

admin.site.site_header = "千万工程 城乡融合 交办跟踪销号系统 管理后台"
admin.site.site_title = "管理后台"
admin.site.index_title = "数据管理"

api_v1 = [
    path("", include("registry.api.urls")),
    path("", include("registry.deliverables.api_urls")),
    path("", include("registry.excel.api_urls")),
    path("", include("projects.api.urls")),
    path("", include("cases.api_urls")),
    path("", include("registry.notifications.api")),
    path("", include("pairing.api_urls")),
    path("", include("rollups.api_urls")),
    path("", include("monitoring.api_urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page links: answer it instead of logging a 404 each visit.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", swagger_ui("api-schema"), name="api-docs"),
    path("", include("cases.urls")),
    path("", include("projects.urls")),
    path("pairing/", include("pairing.urls")),
    path("rollups/", include("rollups.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("", include("registry.urls")),
    path("", include("registry.notifications.views")),
    path("", include("registry.deliverables.urls")),
    path("", include("registry.excel.urls")),
]

# A body over the upload limit and other SuspiciousOperations: JSON under /api/, a Chinese page elsewhere.
handler400 = "registry.middleware.bad_request"
