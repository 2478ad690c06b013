"""The OCDS download page."""

urlpatterns: list = []
