"""The loader's area ids: looked up once per distinct code, in row order, refusing unknown codes."""

import pandas as pd
import pytest

from needs.services.imports import _area_ids_for


def test_each_row_gets_its_areas_id_in_order():
    chunk = pd.DataFrame({"area_code": pd.array(["E2", "E1", "E2", "E3"], dtype="str")}, index=[5, 6, 7, 8])
    ids = _area_ids_for(chunk, {"E1": 10, "E2": 20, "E3": 30})
    assert ids.tolist() == [20, 10, 20, 30]
    assert ids.index.tolist() == [5, 6, 7, 8]


def test_a_code_the_file_did_not_describe_is_refused():
    chunk = pd.DataFrame({"area_code": ["E1", "E9"]})
    with pytest.raises(ValueError, match="E9"):
        _area_ids_for(chunk, {"E1": 10})
