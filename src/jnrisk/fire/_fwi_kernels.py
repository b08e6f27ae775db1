"""numba kernels of the Canadian Fire Weather Index system (Van Wagner & Pickett 1985).

Pure functions on numbers and 1-D arrays; imports only numpy, numba and math. The equations and
the pinned variant (FFMC constant 147.2772, the cffdrs DMC rain phase, Van Wagner's temperature
floors -1.1 degC for DMC and -2.8 degC for DC) are those of docs/references.md#fwi-van-wagner-1987.

The gufuncs run one station or grid cell along time (the core dimension, last axis); the public
wrapper (:mod:`jnrisk.fire.weather`) validates, converts and calls them under
``xr.apply_ufunc(..., dask="parallelized")``. Missing inputs never raise here: they give NaN,
and ``missing_mode`` says what happens on the next valid day (0: the codes stay NaN for the
rest of the series, as the FWI system's day-to-day chain does; 1: restart from the start-up
values).
"""

from __future__ import annotations

import math

import numpy as np
from numba import guvectorize, njit

#: FFMC <-> fine-fuel moisture constant 250 * 59.5 / 101 (docs/references.md#fwi-van-wagner-1987; not 147.2).
FFMC_CONSTANT = 250.0 * 59.5 / 101.0

#: Day-length factors Le for the DMC, latitude >= 30 N, January..December (docs/references.md#fwi-van-wagner-1987).
DMC_DAY_LENGTH = np.array(
    [6.5, 7.5, 9.0, 12.8, 13.9, 13.9, 12.4, 10.9, 9.4, 8.0, 7.0, 6.0], dtype=np.float64
)
#: Day-length adjustments Lf for the DC, latitude > 20 N, January..December (docs/references.md#fwi-van-wagner-1987).
DC_DAY_LENGTH = np.array(
    [-1.6, -1.6, -1.6, 0.9, 3.8, 5.8, 6.4, 5.0, 2.4, 0.4, -1.6, -1.6], dtype=np.float64
)

MISSING_PROPAGATE = 0
MISSING_RESTART = 1


@njit(cache=True, nogil=True)
def ffmc_step(ffmc0, temp_c, rh_pct, wind_kmh, rain_mm):
    """One day of the Fine Fuel Moisture Code."""
    fc = FFMC_CONSTANT
    m0 = fc * (101.0 - ffmc0) / (59.5 + ffmc0)
    if rain_mm > 0.5:
        rf = rain_mm - 0.5
        add = 42.5 * rf * math.exp(-100.0 / (251.0 - m0)) * (1.0 - math.exp(-6.93 / rf))
        if m0 > 150.0:
            add += 0.0015 * (m0 - 150.0) ** 2 * math.sqrt(rf)
        m0 = min(m0 + add, 250.0)
    h = rh_pct
    tail = 0.18 * (21.1 - temp_c) * (1.0 - math.exp(-0.115 * h))
    ed = 0.942 * h**0.679 + 11.0 * math.exp((h - 100.0) / 10.0) + tail
    ew = 0.618 * h**0.753 + 10.0 * math.exp((h - 100.0) / 10.0) + tail
    if m0 > ed:
        k0 = 0.424 * (1.0 - (h / 100.0) ** 1.7) + 0.0694 * math.sqrt(wind_kmh) * (
            1.0 - (h / 100.0) ** 8
        )
        k = k0 * 0.581 * math.exp(0.0365 * temp_c)
        m = ed + (m0 - ed) * 10.0 ** (-k)
    elif m0 < ew:
        k1 = 0.424 * (1.0 - ((100.0 - h) / 100.0) ** 1.7) + 0.0694 * math.sqrt(wind_kmh) * (
            1.0 - ((100.0 - h) / 100.0) ** 8
        )
        k = k1 * 0.581 * math.exp(0.0365 * temp_c)
        m = ew - (ew - m0) * 10.0 ** (-k)
    else:
        m = m0
    f = 59.5 * (250.0 - m) / (fc + m)
    return min(max(f, 0.0), 101.0)


@njit(cache=True, nogil=True)
def dmc_step(dmc0, temp_c, rh_pct, rain_mm, day_length):
    """One day of the Duff Moisture Code (``day_length`` = Le of the month)."""
    t = max(temp_c, -1.1)
    k = 1.894 * (t + 1.1) * (100.0 - rh_pct) * day_length * 1e-4
    if rain_mm > 1.5:
        re = 0.92 * rain_mm - 1.27
        mo = 20.0 + 280.0 / math.exp(0.023 * dmc0)
        if dmc0 <= 33.0:
            b = 100.0 / (0.5 + 0.3 * dmc0)
        elif dmc0 <= 65.0:
            b = 14.0 - 1.3 * math.log(dmc0)
        else:
            b = 6.2 * math.log(dmc0) - 17.2
        mr = mo + 1000.0 * re / (48.77 + b * re)
        pr = max(43.43 * (5.6348 - math.log(mr - 20.0)), 0.0)
    else:
        pr = dmc0
    return max(pr + k, 0.0)


@njit(cache=True, nogil=True)
def dc_step(dc0, temp_c, rain_mm, day_length_adj):
    """One day of the Drought Code (``day_length_adj`` = Lf of the month)."""
    t = max(temp_c, -2.8)
    v = max(0.36 * (t + 2.8) + day_length_adj, 0.0)
    if rain_mm > 2.8:
        rd = 0.83 * rain_mm - 1.27
        q = 800.0 * math.exp(-dc0 / 400.0) + 3.937 * rd
        dr = max(400.0 * math.log(800.0 / q), 0.0)
    else:
        dr = dc0
    return max(dr + 0.5 * v, 0.0)


@njit(cache=True, nogil=True)
def isi_value(ffmc, wind_kmh):
    """Compute the Initial Spread Index from FFMC and wind (km/h)."""
    m = FFMC_CONSTANT * (101.0 - ffmc) / (59.5 + ffmc)
    ff = 91.9 * math.exp(-0.1386 * m) * (1.0 + m**5.31 / 4.93e7)
    return 0.208 * math.exp(0.05039 * wind_kmh) * ff


@njit(cache=True, nogil=True)
def bui_value(dmc, dc):
    """Buildup Index from DMC and DC."""
    if dmc == 0.0 and dc == 0.0:
        return 0.0
    if dmc <= 0.4 * dc:
        return 0.8 * dmc * dc / (dmc + 0.4 * dc)
    b = dmc - (1.0 - 0.8 * dc / (dmc + 0.4 * dc)) * (0.92 + (0.0114 * dmc) ** 1.7)
    return max(b, 0.0)


@njit(cache=True, nogil=True)
def fwi_value(isi, bui):
    """Fire Weather Index from ISI and BUI."""
    if bui <= 80.0:
        b = 0.1 * isi * (0.626 * bui**0.809 + 2.0)
    else:
        b = 0.1 * isi * 1000.0 / (25.0 + 108.64 * math.exp(-0.023 * bui))
    if b > 1.0:
        return math.exp(2.72 * (0.434 * math.log(b)) ** 0.647)
    return b


@njit(cache=True, nogil=True)
def dsr_value(fwi):
    """Daily Severity Rating from FWI."""
    return 0.0272 * fwi**1.77


@guvectorize(
    [
        "void(float64[:], float64[:], float64[:], float64[:], int64[:], float64, float64, "
        "float64, int64, float64[:], float64[:], float64[:], float64[:], float64[:], "
        "float64[:], float64[:])"
    ],
    "(n),(n),(n),(n),(n),(),(),(),()->(n),(n),(n),(n),(n),(n),(n)",
    nopython=True,
    cache=True,
)
def fwi_gufunc(
    temp_c, rh_pct, wind_kmh, rain_mm, month, ffmc0, dmc0, dc0, missing_mode,
    ffmc, dmc, dc, isi, bui, fwi, dsr,
):  # fmt: skip
    """All seven FWI-system outputs along the last axis (one cell's daily series)."""
    f_prev = ffmc0
    p_prev = dmc0
    d_prev = dc0
    nan = np.nan
    for i in range(temp_c.shape[0]):
        t = temp_c[i]
        h = rh_pct[i]
        w = wind_kmh[i]
        r = rain_mm[i]
        if math.isnan(t) or math.isnan(h) or math.isnan(w) or math.isnan(r):
            ffmc[i] = nan
            dmc[i] = nan
            dc[i] = nan
            isi[i] = nan
            bui[i] = nan
            fwi[i] = nan
            dsr[i] = nan
            if missing_mode == MISSING_RESTART:
                f_prev = ffmc0
                p_prev = dmc0
                d_prev = dc0
            else:
                f_prev = nan
                p_prev = nan
                d_prev = nan
            continue
        if math.isnan(f_prev):
            ffmc[i] = nan
            dmc[i] = nan
            dc[i] = nan
            isi[i] = nan
            bui[i] = nan
            fwi[i] = nan
            dsr[i] = nan
            continue
        mon = month[i] - 1
        f_prev = ffmc_step(f_prev, t, h, w, r)
        p_prev = dmc_step(p_prev, t, h, r, DMC_DAY_LENGTH[mon])
        d_prev = dc_step(d_prev, t, r, DC_DAY_LENGTH[mon])
        s = isi_value(f_prev, w)
        u = bui_value(p_prev, d_prev)
        v = fwi_value(s, u)
        ffmc[i] = f_prev
        dmc[i] = p_prev
        dc[i] = d_prev
        isi[i] = s
        bui[i] = u
        fwi[i] = v
        dsr[i] = dsr_value(v)


@guvectorize(
    ["void(float64[:], float64, int64, float64[:])"],
    "(n),(),()->(n)",
    nopython=True,
    cache=True,
)
def dry_days_gufunc(rain_mm, wet_above_mm, dry_days0, out):
    """Consecutive dry days ending on each day (0 on a wet day); NaN rain gives NaN and restarts."""
    count = dry_days0
    known = True
    for i in range(rain_mm.shape[0]):
        r = rain_mm[i]
        if math.isnan(r):
            out[i] = np.nan
            known = False
            continue
        if r > wet_above_mm:
            count = 0
            known = True
        else:
            count += 1
        out[i] = count if known else np.nan
