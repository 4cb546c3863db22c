"""Result cards are kept per content (taskforce.fragments), seen through the pages that serve them: a card
whose service changed, or seen under another mount point, shows its own content; the same content is the
same HTML. (That an outsider never gets a card an insider warmed: test_confidentiality.)"""


def _card_of(page: str, service_id: int) -> str:
    start = page.index(f'data-service-id="{service_id}"')
    return page[start:page.index("</li>", start)]


def test_a_changed_service_gets_a_new_card_and_an_unchanged_one_the_same(client, login, member, make_service):
    from taskforce.extensions import db
    login(member)
    shelter = make_service(name="Harbor Shelter", capacity=(3, 5))
    valley = make_service(name="Valley Shelter", capacity=(1, 4))
    first = client.get("/directory/", query_string={"q": "shelter"}).get_data(as_text=True)
    assert "3</span> of <span data-capacity-total>5</span> free" in _card_of(first, shelter.id)
    again = client.get("/directory/", query_string={"q": "shelter"}).get_data(as_text=True)
    assert _card_of(again, shelter.id) == _card_of(first, shelter.id)
    shelter.capacity_available, shelter.name = 0, "Harbor Shelter North"
    db.session.commit()
    changed = client.get("/directory/", query_string={"q": "shelter"}).get_data(as_text=True)
    assert _card_of(changed, valley.id) == _card_of(first, valley.id)
    card = _card_of(changed, shelter.id)
    assert "Harbor Shelter North" in card and "0</span> of <span data-capacity-total>5</span> free" in card
    assert "is-full" in card


def test_cards_link_under_the_mount_point_they_are_shown_at(client, login, member, make_service):
    login(member)
    shelter = make_service(name="Harbor Shelter")
    plain = client.get("/directory/", query_string={"q": "shelter"}).get_data(as_text=True)
    mounted = client.get("/directory/", query_string={"q": "shelter"},
                         environ_overrides={"SCRIPT_NAME": "/taskforce"}).get_data(as_text=True)
    assert f'href="/directory/services/{shelter.id}"' in _card_of(plain, shelter.id)
    assert f'href="/taskforce/directory/services/{shelter.id}"' in _card_of(mounted, shelter.id)
