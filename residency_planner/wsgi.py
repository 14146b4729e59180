import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "residency_planner.settings")
application = get_wsgi_application()

# Import every view now, while the worker boots, rather than on its first request: the URL
# configuration pulls in the workbook writer (openpyxl and what it imports), which the first
# visitor of each new worker would otherwise wait for.
get_resolver().url_patterns  # noqa: B018 (reading it is the import)
