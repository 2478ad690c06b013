from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.permissions import SIGNED_IN, requires

from .home import home_stages_for


@require_GET
@requires(SIGNED_IN)
def home(request):
    """The home page: the four stages of the cycle, with what this person does in each."""
    return render(request, "dashboard/home.html", {"stages": home_stages_for(request.user)})
