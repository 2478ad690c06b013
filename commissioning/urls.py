app_name = "commissioning"

# The pages of this stage arrive with its issue; the prefix /commissioning/ is reserved for them.
urlpatterns: list = []
