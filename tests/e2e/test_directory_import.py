"""In Chromium: a coordinator checks a large spreadsheet, sees its problems before anything is written, starts
the import and watches the progress bar run to "Done" without reloading the page."""
from sqlalchemy import func, select

from taskforce.directory.models import Service
from taskforce.extensions import db
from tests.conftest import TEST_PASSWORD, totp_code
from tests.e2e.conftest import sign_in

HEADER = ("organization,name,description,categories,languages,phone,email,website,address_1,city,state,"
          "postal_code,confidential,min_age,max_age,genders,open_24_7,hours,capacity_total\n")
ROWS = 1500


def spreadsheet(tmp_path):
    rows = "".join(f"Harbor Shelter Network,Night line {i},Calls answered,hotline;case_management,en;es,,,,,"
                   f"Harbor City,CA,,,,,,yes,,\n" for i in range(ROWS))
    broken = "Harbor Shelter Network,,No name here,hotline,,,,,,,,,,,,,,,\n"
    path = tmp_path / "services.csv"
    path.write_text(HEADER + broken + rows, encoding="utf-8")
    return path


def test_coordinator_previews_then_watches_the_progress_bar_finish(new_page, coordinator, tmp_path):
    page = new_page()
    sign_in(page, coordinator.email, TEST_PASSWORD, totp_code(coordinator))
    page.goto("/directory/exchange/")
    page.set_input_files("#csv-file", str(spreadsheet(tmp_path)))
    page.click("text=Check the file")

    page.wait_for_selector("text=Rows with problems (1)")
    assert page.locator("#job-progress-bar").is_hidden()
    assert db.session.scalar(select(func.count()).select_from(Service)) == 0  # nothing before the confirmation

    page.click(f"text=Import {ROWS} rows")
    page.wait_for_selector("#job-progress-bar", state="visible")
    page.wait_for_selector("#job-progress-text:has-text('Done:')", timeout=60_000)  # the CSP forbids eval
    assert page.text_content("#job-progress-text").strip() == f"Done: {ROWS} created, 0 updated, 0 unchanged."
    assert page.eval_on_selector("#job-progress-bar", "bar => [bar.value, bar.max]") == [ROWS, ROWS]
    assert page.locator("text=Open the directory").is_visible()
    assert page.url.endswith("/view")  # the page never reloaded: the bar was moved by polling
    assert db.session.scalar(select(func.count()).select_from(Service)) == ROWS
    assert not page.errors, page.errors
