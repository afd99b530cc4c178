import pytest
from django.core.management import CommandError, call_command

from remarket.markets.models import Channel, Location, Partner

pytestmark = pytest.mark.django_db
HEADER = "code,name,partner,postcode,town,latitude,longitude,hours,services\n"


@pytest.fixture
def partner(marketplace):
    partner = Partner.objects.create(name="PhoneHouse")
    Channel.objects.create(code="partner-fr", kind="partner", market=marketplace.fr, partner=partner)
    return partner


def test_the_command_applies_the_good_rows_lists_the_bad_and_exits_non_zero(tmp_path, partner, capsys):
    rows = [
        f"ph-{i},PhoneHouse {i},PhoneHouse,{75001 + i},Paris,48.86,2.34,mon-sat 10:00-19:00,sales" for i in range(250)
    ]
    rows += ["ph-bad,Bad,PhoneHouse,7500,Paris,48.86,2.34,,sales", "ph-far,Far,PhoneHouse,75001,Paris,148.86,2.34,,"]
    path = tmp_path / "locations.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="2 rows refused"):
        call_command("locations_import", str(path))
    out = capsys.readouterr()
    assert "line 252: LOCATION_POSTCODE_INVALID" in out.err and "line 253: LOCATION_COORDINATES_INVALID" in out.err
    assert "250 created, 0 updated, 0 unchanged, 2 error" in out.out
    assert Location.objects.filter(channel__partner=partner).count() == 250
    path.write_text(HEADER + "\n".join(rows[:250]) + "\n", encoding="utf-8")
    call_command("locations_import", str(path))  # again: nothing to change, exit 0
    assert "0 created, 0 updated, 250 unchanged, 0 error" in capsys.readouterr().out


def test_a_missing_file_or_a_bad_header_is_a_clear_error(tmp_path, partner):
    with pytest.raises(CommandError, match="No file"):
        call_command("locations_import", str(tmp_path / "none.csv"))
    (tmp_path / "f.csv").write_text("code;name\nx;y\n")
    with pytest.raises(CommandError, match="LOCATIONS_CSV_INVALID"):
        call_command("locations_import", str(tmp_path / "f.csv"))
