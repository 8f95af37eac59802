"""The ground's pages: login, home, about, divisions and organisations; ScopedListView for every list page."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.generic import DetailView, ListView, TemplateView

from .filters import DivisionFilter, OrganisationFilter
from .forms import LoginForm
from .home import home_sections
from .listing import ListTools
from .middleware import LOGOUT_REASON
from .models import Division, Organisation
from .scoping import get_for_user_or_404
from .tables import division_rows_html


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get(self, request, *args, **kwargs):
        reason = request.session.pop(LOGOUT_REASON, None)
        if reason == "idle":
            messages.info(request, "您已长时间未操作，为保障安全已自动退出，请重新登录。")
        elif reason == "lifetime":
            hours = settings.SESSION_COOKIE_AGE / 3600
            messages.info(request, f"本次登录已满{hours:g}小时，为保障安全已自动退出，请重新登录。")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "lockout_attempts": settings.LOGIN_LOCKOUT_ATTEMPTS,
                "lockout_minutes": settings.LOGIN_LOCKOUT_MINUTES}


def home(request):
    if not request.user.is_authenticated:
        return auth_views.redirect_to_login(request.get_full_path())
    return render(request, "registry/home.html", {"sections": home_sections(request.user)})


class AboutView(LoginRequiredMixin, TemplateView):
    """What the system is and who to call; also the benchmark's page floor."""

    template_name = "registry/about.html"


class ScopedListView(LoginRequiredMixin, ListTools, ListView):
    """A list page read through the jurisdiction manager, filtered by a FilterSet, sorted by the
    column headers (registry.listing)."""

    filterset_class = None
    paginate_by = 50

    def get_queryset(self):
        qs = super().get_queryset().for_user(self.request.user)
        self.filterset = self.filterset_class(self.request.GET or None, queryset=qs)
        return self.sorted(self.filterset.qs if self.filterset.is_bound else qs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filter"] = self.filterset
        return ctx


class DivisionListView(ScopedListView):
    model = Division
    queryset = Division.objects.select_related("parent")
    filterset_class = DivisionFilter
    template_name = "registry/division_list.html"
    sort_keys = {"code": ("code",), "name": ("name", "code"), "level": ("level", "code")}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["division_rows_html"] = division_rows_html(ctx["object_list"])
        return ctx


class DivisionDetailView(LoginRequiredMixin, DetailView):
    template_name = "registry/division_detail.html"

    def get_object(self, queryset=None):
        return get_for_user_or_404(Division.objects.select_related("parent"), self.request.user, code=self.kwargs["code"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["children"] = self.object.children.order_by("code")[:500]
        ctx["organisations"] = Organisation.objects.filter(division=self.object).order_by("kind", "name")
        return ctx


class OrganisationListView(ScopedListView):
    model = Organisation
    queryset = Organisation.objects.select_related("division")
    filterset_class = OrganisationFilter
    template_name = "registry/organisation_list.html"
    sort_keys = {"name": ("name", "id"), "kind": ("kind", "name", "id"), "division": ("division__code", "name", "id")}


def healthz(request):
    """Database and (when configured) broker reachability: 200 when all answer, else 503."""

    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # any failure is a failed check, reported by name
        checks["database"] = f"error: {exc.__class__.__name__}"
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
            checks["broker"] = "ok"
        except Exception as exc:
            checks["broker"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)
