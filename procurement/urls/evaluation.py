"""Pages for evaluation."""

urlpatterns: list = []
