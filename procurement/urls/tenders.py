"""Pages for tenders."""

urlpatterns: list = []
