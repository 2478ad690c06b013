"""Who reaches each contract page. A council's commissioners reach their authority's contracts and manage
them; a provider's users read the contracts naming their provider, submit returns and mark their own
actions done; another authority's or another provider's object answers 404 exactly like a missing one;
forum members, evaluators, finance and legal approvers and support staff get 403 everywhere."""

import pytest
from django.urls import reverse

from contracts.services import returns as return_services
from tests.access import ObjectCase, assert_access, assert_object_access, only

NS = ["commissioner_northshire", "lead_northshire"]
COUNCILS = [*NS, "commissioner_southvale"]
PROVIDERS = ["provider_oakfield", "provider_riverside"]


def test_list_is_for_commissioners_and_providers(request):
    assert_access(
        request, reverse("contracts:contract_list"), only({p: 200 for p in [*COUNCILS, *PROVIDERS]})
    )


@pytest.mark.parametrize(
    "name", ["contract_create", "contract_create_award", "contract_create_fps", "contract_create_spot"]
)
def test_creating_is_for_council_commissioners(request, name):
    assert_access(request, reverse(f"contracts:{name}"), only({p: 200 for p in COUNCILS}))


def _object_cases(
    request, url_for, northshire_obj, southvale_obj, *, council: int, provider: int | None, missing
):
    """Northshire's people against Southvale's object and vice versa; providers likewise."""
    own = {"northshire": northshire_obj, "southvale": southvale_obj}
    assert_object_access(
        request,
        url_for=url_for,
        own_object_for=lambda persona: own["northshire"],
        other_object=southvale_obj,
        missing_url=missing,
        cases=[ObjectCase(p, council) for p in NS]
        + ([ObjectCase("provider_oakfield", provider)] if provider else []),
    )
    assert_object_access(
        request,
        url_for=url_for,
        own_object_for=lambda persona: own["southvale"],
        other_object=northshire_obj,
        missing_url=missing,
        cases=[ObjectCase("commissioner_southvale", council)]
        + ([ObjectCase("provider_riverside", provider)] if provider else []),
    )


def test_contract_detail(request, contract_northshire, contract_southvale):
    url = reverse("contracts:contract_detail", args=[contract_northshire.pk])
    assert_access(
        request,
        url,
        only(
            {
                **{p: 200 for p in NS},
                "provider_oakfield": 200,
                "commissioner_southvale": 404,
                "provider_riverside": 404,
            }
        ),
    )
    _object_cases(
        request,
        lambda c: reverse("contracts:contract_detail", args=[c.pk]),
        contract_northshire,
        contract_southvale,
        council=200,
        provider=200,
        missing=reverse("contracts:contract_detail", args=[999999]),
    )


@pytest.mark.parametrize(
    "name", ["contract_edit", "kpi_add", "capacity_add", "risk_assess", "review_decide", "meeting_add"]
)
def test_managing_pages_are_for_the_contracts_council(request, contract_northshire, contract_southvale, name):
    url = reverse(f"contracts:{name}", args=[contract_northshire.pk])
    assert_access(request, url, only({**{p: 200 for p in NS}, "commissioner_southvale": 404}))
    _object_cases(
        request,
        lambda c: reverse(f"contracts:{name}", args=[c.pk]),
        contract_northshire,
        contract_southvale,
        council=200,
        provider=None,
        missing=reverse(f"contracts:{name}", args=[999999]),
    )


def test_kpi_edit_and_remove(request, contract_northshire, contract_southvale):
    kpi = contract_northshire.kpis.get()
    url = reverse("contracts:kpi_edit", args=[contract_northshire.pk, kpi.pk])
    assert_access(request, url, only({**{p: 200 for p in NS}, "commissioner_southvale": 404}))
    # A KPI of another contract through this contract's address is missing too.
    other_kpi = contract_southvale.kpis.get()
    assert_access(
        request,
        reverse("contracts:kpi_edit", args=[contract_northshire.pk, other_kpi.pk]),
        only({**{p: 404 for p in COUNCILS}}),
    )
    remove = reverse("contracts:kpi_remove", args=[contract_southvale.pk, other_kpi.pk])
    assert_access(
        request, remove, only({**{p: 404 for p in NS}, "commissioner_southvale": 302}), method="post"
    )


def test_return_submit_is_for_the_contracts_provider(request, contract_northshire, contract_southvale):
    url = reverse("contracts:return_submit", args=[contract_northshire.pk])
    assert_access(request, url, only({"provider_oakfield": 200, "provider_riverside": 404}))
    assert_object_access(
        request,
        url_for=lambda c: reverse("contracts:return_submit", args=[c.pk]),
        own_object_for=lambda persona: contract_northshire,
        other_object=contract_southvale,
        missing_url=reverse("contracts:return_submit", args=[999999]),
        cases=[ObjectCase("provider_oakfield", 200)],
    )


def test_return_detail(request, return_northshire, return_southvale):
    url = reverse("contracts:return_detail", args=[return_northshire.pk])
    assert_access(
        request,
        url,
        only(
            {
                **{p: 200 for p in NS},
                "provider_oakfield": 200,
                "commissioner_southvale": 404,
                "provider_riverside": 404,
            }
        ),
    )
    _object_cases(
        request,
        lambda r: reverse("contracts:return_detail", args=[r.pk]),
        return_northshire,
        return_southvale,
        council=200,
        provider=200,
        missing=reverse("contracts:return_detail", args=[999999]),
    )


def test_return_review_is_for_the_contracts_council(request, return_northshire, return_southvale):
    url = reverse("contracts:return_review", args=[return_northshire.pk])
    assert_access(request, url, only({**{p: 200 for p in NS}, "commissioner_southvale": 404}))
    _object_cases(
        request,
        lambda r: reverse("contracts:return_review", args=[r.pk]),
        return_northshire,
        return_southvale,
        council=200,
        provider=None,
        missing=reverse("contracts:return_review", args=[999999]),
    )


def test_return_resubmit_is_for_the_contracts_provider(
    request, return_northshire, return_southvale, commissioner_northshire, commissioner_southvale
):
    return_services.return_query(
        actor=commissioner_northshire, performance_return=return_northshire, notes="Why?"
    )
    return_services.return_query(
        actor=commissioner_southvale, performance_return=return_southvale, notes="Why?"
    )
    url = reverse("contracts:return_resubmit", args=[return_northshire.pk])
    assert_access(request, url, only({"provider_oakfield": 200, "provider_riverside": 404}))
    assert_object_access(
        request,
        url_for=lambda r: reverse("contracts:return_resubmit", args=[r.pk]),
        own_object_for=lambda persona: return_northshire,
        other_object=return_southvale,
        missing_url=reverse("contracts:return_resubmit", args=[999999]),
        cases=[ObjectCase("provider_oakfield", 200)],
    )


def test_action_done(request, action_northshire, action_southvale):
    url = reverse("contracts:meeting_action_done", args=[action_northshire.pk])
    assert_access(
        request,
        url,
        only(
            {
                **{p: 302 for p in NS},
                "provider_oakfield": 302,
                "commissioner_southvale": 404,
                "provider_riverside": 404,
            }
        ),
        method="post",
    )
    assert_access(
        request,
        reverse("contracts:meeting_action_done", args=[999999]),
        only({p: 404 for p in [*COUNCILS, *PROVIDERS]}),
        method="post",
    )


def test_get_is_refused_on_post_only_pages(client, commissioner_northshire, action_northshire):
    client.force_login(commissioner_northshire)
    response = client.get(reverse("contracts:meeting_action_done", args=[action_northshire.pk]))
    assert response.status_code == 405
