"""Every list comes a page at a time, with a cursor that stays right while items are added."""

from .test_bad_input import assert_problem


def all_pages(gateway, path: str, member: dict, limit: int) -> list[list[dict]]:
    pages, cursor = [], None
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        response = gateway.request("GET", path, member, params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["items"])
        cursor = body["next"]
        if cursor is None:
            return pages


def test_moments_page_newest_first_without_gaps_or_repeats(gateway):
    uma = gateway.sign_up("Uma", "en")
    logged = [gateway.log_moment(uma, "milestone", f"step {i}")["id"] for i in range(7)]

    pages = all_pages(gateway, "/v1/me/moments", uma, limit=3)
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [m["id"] for p in pages for m in p] == logged[::-1]


def test_a_page_cursor_is_stable_while_new_moments_arrive(gateway):
    vic = gateway.sign_up("Vic", "fr")
    older = [gateway.log_moment(vic, "milestone", f"old {i}")["id"] for i in range(4)]
    first = gateway.request("GET", "/v1/me/moments", vic, params={"limit": 2}).json()
    gateway.log_moment(vic, "client_won", "new one")  # lands before the first page
    second = gateway.request("GET", "/v1/me/moments", vic,
                             params={"limit": 2, "cursor": first["next"]}).json()
    assert [m["id"] for m in first["items"] + second["items"]] == older[::-1]


def test_buddyships_page_oldest_first(gateway):
    wes = gateway.sign_up("Wes", "en")
    others = [gateway.sign_up(f"Buddy{i}", "en") for i in range(3)]
    gateway.make_room(wes, 3)
    proposed = [gateway.propose(wes, other).json()["id"] for other in others]
    pages = all_pages(gateway, "/v1/me/buddyships", wes, limit=2)
    assert [b["id"] for p in pages for b in p] == proposed


def test_a_cursor_that_this_api_did_not_give_is_refused(gateway):
    xia = gateway.sign_up("Xia", "fr")
    for cursor in ("garbage", "Zm9v", "!!!"):
        assert_problem(gateway.request("GET", "/v1/me/moments", xia, params={"cursor": cursor}),
                       422, "cursor")
    assert_problem(gateway.request("GET", "/v1/me/moments", xia, params={"limit": 101}),
                   422, "limit")


def test_any_cursor_of_the_documented_form_is_a_place_in_the_list(gateway):
    """The document states the cursor's form (a pattern): any cursor of that form is served."""
    yan = gateway.sign_up("Yan", "en")
    older = gateway.log_moment(yan, "client_won", "first")
    newer = gateway.log_moment(yan, "client_won", "second")
    page = gateway.request("GET", "/v1/me/moments", yan, params={"limit": 1}).json()
    assert [m["id"] for m in page["items"]] == [newer["id"]]
    assert page["next"].endswith(f":{newer['id']}")
    for cursor, expected in [(page["next"], [older["id"]]), ("99999999999999:~", [newer["id"], older["id"]]),
                             ("00000000000000:0", [])]:
        found = gateway.request("GET", "/v1/me/moments", yan, params={"cursor": cursor})
        assert found.status_code == 200, found.text
        assert [m["id"] for m in found.json()["items"]] == expected
