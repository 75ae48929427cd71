"""A WSGI script without an `application` callable."""

app = None
