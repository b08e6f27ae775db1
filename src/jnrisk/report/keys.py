"""Key columns for report tables: every row says which district, sub-district or site it is."""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["DISTRICT_KEYS", "TOWN_KEYS", "district_keys", "town_keys"]

#: Headers of the key columns (Chinese name, English name, id).
TOWN_KEYS = ("街镇 sub-district", "sub-district (en)", "district (en)", "town_id")
DISTRICT_KEYS = ("区县 district", "district (en)", "adcode")


def town_keys(towns: Any) -> pd.DataFrame:
    """Key columns of the sub-districts, indexed by ``town_id``.

    Examples
    --------
    >>> t = pd.DataFrame({"town_id": [1], "name": ["甲街道"], "name_en": ["Jia"],
    ...                   "district_en": ["Lixia"]})
    >>> list(town_keys(t).columns)
    ['街镇 sub-district', 'sub-district (en)', 'district (en)', 'town_id']
    """
    t = pd.DataFrame({
        TOWN_KEYS[0]: towns["name"].astype(str).to_numpy(),
        TOWN_KEYS[1]: towns["name_en"].astype(str).to_numpy() if "name_en" in towns else "",
        TOWN_KEYS[2]: (towns["district_en"].astype(str).to_numpy()
                       if "district_en" in towns else ""),
        TOWN_KEYS[3]: towns["town_id"].to_numpy(),
    })
    return t.set_index(TOWN_KEYS[3], drop=False)


def district_keys(districts: Any) -> pd.DataFrame:
    """Key columns of the districts, indexed by the Chinese district name.

    Examples
    --------
    >>> d = pd.DataFrame({"name": ["历下区"], "name_en": ["Lixia"], "adcode": ["370102"]})
    >>> district_keys(d).loc["历下区", "district (en)"]
    'Lixia'
    """
    d = pd.DataFrame({
        DISTRICT_KEYS[0]: districts["name"].astype(str).to_numpy(),
        DISTRICT_KEYS[1]: districts["name_en"].astype(str).to_numpy(),
        DISTRICT_KEYS[2]: districts["adcode"].astype(str).to_numpy(),
    })
    return d.set_index(DISTRICT_KEYS[0], drop=False)
