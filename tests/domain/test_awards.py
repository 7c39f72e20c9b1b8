from datetime import date

import pytest

from app.domain.awards import AwardCode, KaryaSatyaClass, karya_satya_eligibility
from app.domain.messages import DomainError
from app.domain.nip import appointment_date

TMT = date(2000, 3, 1)


@pytest.mark.parametrize("on,expected", [
    (date(1999, 1, 1), None),               # before TMT CPNS
    (date(2010, 2, 28), None),              # the day before the 10th anniversary
    (date(2010, 3, 1), KaryaSatyaClass.X),  # on it
    (date(2020, 2, 29), KaryaSatyaClass.X),
    (date(2020, 3, 1), KaryaSatyaClass.XX),
    (date(2030, 2, 28), KaryaSatyaClass.XX),
    (date(2030, 3, 1), KaryaSatyaClass.XXX),
    (date(2045, 1, 1), KaryaSatyaClass.XXX),
])
def test_full_years_from_tmt_cpns(on, expected):
    assert karya_satya_eligibility(TMT, on, None) is expected


def test_service_from_29_february_completes_on_1_march_in_common_years():
    assert karya_satya_eligibility(date(2004, 2, 29), date(2014, 2, 28), None) is None
    assert karya_satya_eligibility(date(2004, 2, 29), date(2014, 3, 1), None) is KaryaSatyaClass.X
    assert karya_satya_eligibility(date(2004, 2, 29), date(2024, 2, 29), None) is KaryaSatyaClass.XX


@pytest.mark.parametrize("sanction,eligible", [
    (None, True), ("ringan", True), ("Ringan", True),
    ("sedang", False), ("berat", False), (" Berat ", False),
])
def test_medium_or_heavy_sanction_disqualifies(sanction, eligible):
    result = karya_satya_eligibility(TMT, date(2025, 1, 1), sanction)
    assert (result is KaryaSatyaClass.XX) is eligible
    assert (result is None) is not eligible


def test_unknown_sanction_level():
    with pytest.raises(DomainError) as caught:
        karya_satya_eligibility(TMT, date(2025, 1, 1), "teguran")
    assert caught.value.field == "heaviest_sanction"


def test_from_the_nip():
    tmt = appointment_date("198609262015051001")   # TMT CPNS 2015-05-01
    assert karya_satya_eligibility(tmt, date(2025, 4, 30), None) is None
    assert karya_satya_eligibility(tmt, date(2025, 5, 1), None) is KaryaSatyaClass.X


def test_award_codes():
    assert {int(code): code.label for code in AwardCode} == {
        201: "Satyalancana Karya Satya X Tahun",
        202: "Satyalancana Karya Satya XX Tahun",
        203: "Satyalancana Karya Satya XXX Tahun",
        304: "Teladan Tingkat Nasional",
        305: "Teladan Tingkat Provinsi",
        306: "Teladan Tingkat Kabupaten/Kota",
        400: "Lainnya",
    }
    assert [c.award_code for c in KaryaSatyaClass] == [201, 202, 203]
    assert [int(c) for c in KaryaSatyaClass] == [10, 20, 30]
