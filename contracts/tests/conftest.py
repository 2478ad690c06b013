"""Review's shared test objects: one Northshire contract with Oakfield, one Southvale contract with
Riverside (so every page can be tried against another authority's object)."""

import pytest

from .factories import add_kpi, make_contract


@pytest.fixture
def contract_northshire(northshire, oakfield, commissioner_northshire):
    contract = make_contract(
        organisation=northshire, provider=oakfield, created_by=commissioner_northshire, reference="NS-C-001"
    )
    add_kpi(contract)
    return contract


@pytest.fixture
def contract_southvale(southvale, riverside, commissioner_southvale):
    contract = make_contract(
        organisation=southvale, provider=riverside, created_by=commissioner_southvale, reference="SV-C-001"
    )
    add_kpi(contract)
    return contract
