app_name = "coproduction"

# The pages of this stage arrive with its issue; the prefix /coproduction/ is reserved for them.
urlpatterns: list = []
