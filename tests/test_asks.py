"""What kind of answer a question asks for (search/asks.py), on questions in each user's voice."""

from search.asks import ASSUMPTION, CASE, EVIDENCE, HOWTO, Ask, asked


def test_each_kind_is_read_from_the_question_form_and_names_its_words():
    got = {q: asked(q) for q in (
        "what is assumed about people knowing their own needs",
        "what has to be true for coaching to pay off",
        "how many jobs did the anchors create",
        "what figures show money staying in the area",
        "is there an example of a council doing this",
        "anyone who has done a community share offer",
        "how do I build a referral network",
        "where do we start with a co-op",
        "referral network",
    )}
    assert got == {
        "what is assumed about people knowing their own needs": Ask(ASSUMPTION, "assumed"),
        "what has to be true for coaching to pay off": Ask(ASSUMPTION, "what has to be true"),
        "how many jobs did the anchors create": Ask(EVIDENCE, "how many"),
        "what figures show money staying in the area": Ask(EVIDENCE, "figures"),
        "is there an example of a council doing this": Ask(CASE, "example"),
        "anyone who has done a community share offer": Ask(CASE, "anyone who has done"),
        "how do I build a referral network": Ask(HOWTO, "how do I"),
        "where do we start with a co-op": Ask(HOWTO, "where do we start"),
        "referral network": Ask(""),
    }


def test_asking_who_else_has_done_it_asks_for_an_example_and_asking_who_runs_it_does_not():
    """"who else has done a community shop" was answered with an outcome (a browser walk)."""
    got = {q: asked(q) for q in ("who else has done a community shop", "has anyone else run a community pub",
                                 "who else started a co-op", "who runs the shop", "who started it")}
    assert got == {"who else has done a community shop": Ask(CASE, "who else has done"),
                   "has anyone else run a community pub": Ask(CASE, "has anyone else run"),
                   "who else started a co-op": Ask(CASE, "who else started"),
                   "who runs the shop": Ask(""), "who started it": Ask("")}


def test_asking_for_proof_or_what_evidence_there_is_asks_for_figures():
    """"is there any proof that business support creates jobs" got an outcome's definition and no figure, and
    "what evidence is there that …" a confident foundation (a browser walk); "the evidence base" asks no kind."""
    got = {q: asked(q) for q in ("is there any proof that business support actually creates jobs",
                                 "what evidence is there that community pubs help loneliness",
                                 "the evidence base for coaching", "proofreading service")}
    assert got == {"is there any proof that business support actually creates jobs": Ask(EVIDENCE, "any proof"),
                   "what evidence is there that community pubs help loneliness":
                       Ask(EVIDENCE, "what evidence is there"),
                   "the evidence base for coaching": Ask(""), "proofreading service": Ask("")}


def test_an_example_of_an_assumption_is_still_a_request_for_an_example():
    assert asked("an example where the assumption held").kind == CASE


def test_the_reason_quotes_the_words_and_a_plain_query_has_none():
    assert asked("how many people were helped").why() == "the question asks for figures (“how many”)"
    assert asked("").why() == "" and asked("   ").kind == ""


def test_a_sum_or_count_is_quoted_as_typed():
    """The reason quotes the whole number a question asks about, not its tail or its first digit."""
    cues = {q: asked(q).cue for q in ("£5000", "what did £120m buy", "did 1,400 jobs get created",
                                      "is 12.5% typical", "was it worth £3 million.", "we spent £2.43")}
    assert cues == {"£5000": "£5000", "what did £120m buy": "£120m", "did 1,400 jobs get created": "1,400 jobs",
                    "is 12.5% typical": "12.5%", "was it worth £3 million.": "£3 million",
                    "we spent £2.43": "£2.43"}


def test_words_inside_other_words_do_not_count():
    # "counterexample" is no request for an example; "refigured" no request for figures
    assert asked("a counterexample to the theory").kind == "" and asked("we refigured the plan").kind == ""
    # a word that only begins like a form word: premises are buildings, "figured" is no request for figures
    assert asked("finding premises and equipment for a start-up").kind == ""
    assert asked("we figured out the rota ourselves").kind == ""
    assert asked("examples of this").kind == CASE and asked("the premise behind coaching").kind == ASSUMPTION


def test_what_a_how_many_question_counts_and_which_figures_count_it():
    from search.asks import counted, counts

    said = {q: counted(q) for q in ("how many jobs did community anchors create", "How much money stays local?",
                                    "how much did it cost", "how many of them were women", "how many 2023",
                                    "what difference did it make")}
    assert said == {"how many jobs did community anchors create": "jobs", "How much money stays local?": "money",
                    "how much did it cost": "", "how many of them were women": "", "how many 2023": "",
                    "what difference did it make": ""}
    assert counts("1400 jobs and £120m GVA", "jobs") and counts("£2.43 for every £1", "money")
    assert not counts("10 community anchor organisations", "jobs") and not counts("1400 jobs", "")
    assert not counts("120 volunteers", "money")
    # jobs are also staff, and people a sentence says are employed (a browser walk's "how many jobs did …" was
    # answered with another case's "3 jobs" over this case's "employs 9 people"); people helped are not jobs
    assert counts("9 people", "jobs", "The bakery now employs 9 people, 6 of them previously out of work.")
    assert counts("12 staff", "jobs") and counts("30 employees", "posts")
    assert not counts("40 people", "jobs", "The hub worked with 40 people last year.")
    assert not counts("9 people", "volunteers", "The bakery now employs 9 people.")



def test_an_address_in_a_question_is_no_words_of_asking():
    assert asked("see http://evil.example/x for more").kind == ""
    assert asked("is evil.example a site") == Ask("")
    assert asked("write to help@example.org about funding") == Ask("")
    # the words around it still count, and a sum stays a sum
    assert asked("an example of a shop, like www.shop.example") == Ask("case", "example")
    assert asked("did it return £1.5m") == Ask("evidence", "£1.5m")
