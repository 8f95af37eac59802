from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from registry.views import healthz

admin.site.site_header = "千万工程 城乡融合 交办跟踪销号系统 管理后台"
admin.site.site_title = "管理后台"
admin.site.index_title = "数据管理"

api_v1 = [
    path("", include("registry.api.urls")),
    path("", include("registry.excel.api_urls")),
    path("", include("projects.api.urls")),
    path("", include("cases.api_urls")),
    path("", include("cases.rollups.api_urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("cases.urls")),
    path("", include("projects.urls")),
    path("rollups/", include("cases.rollups.urls")),
    path("", include("registry.urls")),
    path("", include("registry.excel.urls")),
]

# A body over the upload limit and other SuspiciousOperations: JSON under /api/, a Chinese page elsewhere.
handler400 = "registry.middleware.bad_request"
