"""A WSGI script that fails to import: the engine must answer 500 and keep serving."""

raise ImportError("this module is broken on purpose")
