# The task queue's app is loaded with Django, so that `.delay()` finds its settings.
from residency_planner.celery import app as celery_app

__all__ = ("celery_app",)
