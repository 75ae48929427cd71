"""A minimal real Django application (Debian's python3-django 3.2), configured in code.

No project tree: settings.configure() below, URL patterns and views in this module.

Routes:
  GET  /            plain text greeting
  GET  /api/items   JSON list of items (?limit=N, 0..100, default 3)
  GET  /form        an HTML form posting to /form (with Django's CSRF token)
  POST /form        form fields name (1-100 chars) and quantity (integer 1..1000), validated by a
                    django.forms.Form; answers the cleaned values as JSON, or 400 with a
                    plain-text message naming the field. CSRF is checked: GET /form first, then
                    post with its csrftoken cookie and csrfmiddlewaretoken field.
  GET  /info        JSON: Python and Django versions, pid, wsgi.multithread / wsgi.multiprocess

`application` is the WSGI callable. DJANGO_DEBUG=1 turns on debug pages; the secret key comes
from DJANGO_SECRET_KEY or is generated per process (fine for a demo: no sessions persist).
"""

import os
import secrets
import sys

import django
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=os.environ.get("DJANGO_DEBUG") == "1",
        SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["*"],  # a demo behind whatever address the test picks
        INSTALLED_APPS=[],
        MIDDLEWARE=[
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
        ],
        TEMPLATES=[],
        DATABASES={},
        USE_TZ=True,
        # A multi-process server would need a shared key for cookies signed by one process to
        # verify in another; the CSRF cookie is not signed, so none is needed here.
    )
    django.setup()

from django import forms  # noqa: E402  (needs configured settings)
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse, JsonResponse  # noqa: E402
from django.middleware.csrf import get_token  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils.html import escape  # noqa: E402
from django.views.decorators.http import require_GET, require_http_methods  # noqa: E402

ITEMS = tuple({"id": i, "name": f"item {i}"} for i in range(100))  # read-only, shared safely


class OrderForm(forms.Form):
    name = forms.CharField(min_length=1, max_length=100, strip=True)
    quantity = forms.IntegerField(min_value=1, max_value=1000)


def _plain(message, status=200):
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


@require_GET
def index(request):
    return _plain("hello from django")


@require_GET
def items(request):
    text = request.GET.get("limit", "3")
    if not text.isdigit() or not 0 <= int(text) <= 100:
        return _plain(f"limit: expected an integer between 0 and 100, got {text!r}", 400)
    return JsonResponse({"items": list(ITEMS[: int(text)])})


@require_http_methods(["GET", "POST"])
def order(request):
    if request.method == "GET":
        token = escape(get_token(request))
        return HttpResponse(
            "<!doctype html>\n<title>order</title>\n"
            f'<form method="post" action="{escape(request.path)}">\n'
            f'  <input type="hidden" name="csrfmiddlewaretoken" value="{token}">\n'
            '  <label>name <input name="name"></label>\n'
            '  <label>quantity <input name="quantity" type="number"></label>\n'
            "  <button>order</button>\n</form>\n")
    form = OrderForm(request.POST)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        return _plain(f"{field}: {' '.join(errors)}", 400)
    return JsonResponse(form.cleaned_data)


@require_GET
def info(request):
    return JsonResponse({"python": sys.version.split()[0], "django": django.get_version(),
                         "pid": os.getpid(),
                         "multithread": request.META.get("wsgi.multithread"),
                         "multiprocess": request.META.get("wsgi.multiprocess")})


urlpatterns = [
    path("", index),
    path("api/items", items),
    path("form", order),
    path("info", info),
]

application = get_wsgi_application()
