from django.urls import path

from appeals.views import health, public

urlpatterns = [
    path("", public.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
]
