"""Organisation rules on small case-study texts written the way real ones are: each test asserts the whole
set of organisations found (and so what is not found), and every span is the exact text of the name.

The rules are the ones of ``ingest/entities.py``: the document's publisher where the text names it, cues with a
list, weak type words, what the text says a name is (appositive, legal form, copula), a programme's owner, and
the names the text says are no organisation."""

from __future__ import annotations

from pathlib import Path

from ingest.entities import find_entities
from ingest.extract import extract
from ingest.readers import read_document


def _orgs(tmp_path: Path, body: str, publisher: str = "") -> dict[str, list[str]]:
    """Each organisation's label -> the text of each of its spans, for one case-study document."""
    front = f"---\ntitle: A case study\nkind: case-study\n{f'publisher: {publisher}' if publisher else ''}\n---\n"
    f = tmp_path / "case.md"
    f.write_text(front + body, encoding="utf-8")
    doc = read_document(f)
    ex = extract(doc)
    find_entities(ex)
    return {it.label: sorted(doc.text[s.start : s.end] for s in it.spans)
            for it in ex.items if it.cls == "Organisation"}


def test_the_publisher_is_an_organisation_where_the_text_names_it_whole(tmp_path):
    body = ("The multiple asset transfer programme, which Locality delivered, reached twenty groups. In the village "
            "the Hinton St George & Locality Rural Community Services (HRCS) took over the shop.\n")
    orgs = _orgs(tmp_path, body, publisher="My Community (Locality)")
    assert orgs == {"Locality": ["Locality"],  # once: not inside "& Locality Rural …"
                    "Hinton St George & Locality Rural Community Services": [
                        "HRCS", "Hinton St George & Locality Rural Community Services"]}


def test_a_publisher_the_text_never_names_adds_nothing(tmp_path):
    orgs = _orgs(tmp_path, "Local people bought the pub in 2018 and reopened it.\n", publisher="Co-operative News")
    assert orgs == {}


def test_cues_take_a_list_closed_by_and_and_trading_names_and_agreements(tmp_path):
    body = ("HELP came out of a partnership between BNP Paribas, Hackney Works and the Dolphin Square Foundation. "
            "The council struck an agreement with Crown Estate Scotland. The members now run it, and it trades "
            "under the name Our Shop. It was supported by Plunkett Foundation, Jane Smith said.\n")
    assert _orgs(tmp_path, body) == {"BNP Paribas": ["BNP Paribas"], "Hackney Works": ["Hackney Works"],
                                     "Dolphin Square Foundation": ["Dolphin Square Foundation"],
                                     "Crown Estate Scotland": ["Crown Estate Scotland"], "Our Shop": ["Our Shop"],
                                     "Plunkett Foundation": ["Plunkett Foundation"]}  # no "Jane Smith": no 'and'


def test_weak_type_words_name_an_organisation_unless_the_rest_is_a_common_phrase(tmp_path):
    body = ("NHS Ayrshire and Arran, East and South Ayrshire Councils, Scottish Enterprise and The Ayrshire "
            "Community Trust (TACT) signed the charter. The project was written up in Tribune Magazine. "
            "Social Enterprise is growing: a social enterprise trades for a social purpose. Similar results came "
            "from the Youth Enterprise programme.\n")
    assert _orgs(tmp_path, body) == {
        "NHS Ayrshire and Arran": ["NHS Ayrshire and Arran"],
        "East and South Ayrshire Councils": ["East and South Ayrshire Councils"],
        "Scottish Enterprise": ["Scottish Enterprise"],
        "Ayrshire Community Trust": ["Ayrshire Community Trust", "TACT", "The Ayrshire Community Trust"],
        "Tribune Magazine": ["Tribune Magazine"]}  # not "Social Enterprise", not "Youth Enterprise"


def test_what_the_text_says_a_name_is_makes_it_an_organisation(tmp_path):
    body = ("Co-operative News reports that the Sportsman, a pub in the coastal town of Nefyn, is to trade again. "
            "In Doncaster, care providers have joined together in a new co-op, Choices4Doncaster. One of the "
            "supported co-ops, Empowered Talent, has won a contract. The scheme was run by the charity Vital "
            "Regeneration. Bread Together is a co-operative. Ed Mayo, a co-operative campaigner, spoke. Nefyn, a "
            "town in Wales, cheered. Jane Smith is a co-operative member.\n")
    assert _orgs(tmp_path, body) == {"Co-operative News": ["Co-operative News"], "Sportsman": ["Sportsman"],
                                     "Choices4Doncaster": ["Choices4Doncaster"],
                                     "Empowered Talent": ["Empowered Talent"],
                                     "Vital Regeneration": ["Vital Regeneration"],
                                     "Bread Together": ["Bread Together"]}


def test_an_appositive_after_two_names_describes_the_last(tmp_path):
    body = "The report backs what ACEVO and Sobus, the community development agency for Fulham, argued for.\n"
    assert _orgs(tmp_path, body) == {"Sobus": ["Sobus"]}


def test_the_owner_of_a_named_programme_is_an_organisation(tmp_path):
    body = "In 2017 the group won a place on Power to Change’s Bright Ideas Programme.\n"
    assert _orgs(tmp_path, body) == {"Power to Change": ["Power to Change"]}


def test_no_organisation_where_the_text_says_it_is_a_programme_a_role_or_a_concept(tmp_path):
    body = ("Co-operatives UK reports on The Hive, a business support programme it leads in partnership with The "
            "Co-operative Bank. Leeds Bread Co-op has been working with The Hive. Ed Mayo, Secretary General of "
            "Co-operatives UK, praised them. It became the first Community Wealth Building (CWB) council, and "
            "community wealth building is now its way of working.\n")
    assert _orgs(tmp_path, body) == {"Co-operatives UK": ["Co-operatives UK", "Co-operatives UK"],
                                     "Co-operative Bank": ["The Co-operative Bank"],
                                     "Leeds Bread Co-op": ["Leeds Bread Co-op"]}
