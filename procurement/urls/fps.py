"""Pages for fps."""

urlpatterns: list = []
