"""What the applicant's part of the product tells the parts built on it."""

from django.dispatch import Signal

# Sent after an applicant saves a complete profile, with ``profile``. Tiering recomputes the
# list on it, inside the request, so the page the applicant lands on shows the new list.
profile_saved = Signal()
