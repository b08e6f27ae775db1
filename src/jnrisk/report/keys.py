"""Key columns for report tables: every row says which district, sub-district or site it is."""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = [
    "DISTRICT_KEYS",
    "SHELTER_KEYS",
    "TOWN_KEYS",
    "district_keys",
    "district_table",
    "shelter_keys",
    "town_keys",
]

#: Headers of the key columns (Chinese name, English name, id).
TOWN_KEYS = ("街镇 sub-district", "sub-district (en)", "district (en)", "town_id")
DISTRICT_KEYS = ("区县 district", "district (en)", "adcode")
SHELTER_KEYS = ("名称 shelter", "district (en)", "shelter_id")


def shelter_keys(shelters: Any) -> pd.DataFrame:
    """Key columns of shelters (name, district, id) and their class, on the shelters' index.

    Examples
    --------
    >>> s = pd.DataFrame({"name": ["避难场所001"], "district_en": ["Lixia"], "shelter_id": [0],
    ...                   "class": ["fixed"]})
    >>> list(shelter_keys(s).columns)
    ['名称 shelter', 'district (en)', 'shelter_id', 'class']
    """
    return pd.DataFrame({
        SHELTER_KEYS[0]: shelters["name"].astype(str),
        SHELTER_KEYS[1]: shelters["district_en"].astype(str),
        SHELTER_KEYS[2]: shelters["shelter_id"].astype("int64"),
        "class": shelters["class"].astype(str),
    }, index=shelters.index)


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


def district_table(frame: pd.DataFrame, districts: Any) -> pd.DataFrame:
    """Format a runner's per-district table: key columns first, persons as integers, unit headers.

    ``frame`` has a ``district`` column or index (Chinese names).

    Examples
    --------
    >>> d = pd.DataFrame({"name": ["历下区"], "name_en": ["Lixia"], "adcode": ["370102"]})
    >>> f = pd.DataFrame({"district": ["历下区"], "served_persons": [12.0]})
    >>> t = district_table(f, d)
    >>> list(t.columns), int(t.loc[0, "served (persons)"])
    (['区县 district', 'district (en)', 'adcode', 'served (persons)'], 12)
    """
    from jnrisk.report.format import pretty_header

    if "district" in frame.columns:
        frame = frame.set_index("district")
    values = frame.select_dtypes("number").copy()
    for c in values.columns:
        if c.endswith("_persons"):
            values[c] = values[c].round().astype("int64")
    values = values.rename(columns=pretty_header)
    return district_keys(districts).join(values, how="inner").reset_index(drop=True)
