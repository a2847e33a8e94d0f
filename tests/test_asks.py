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


def test_an_example_of_an_assumption_is_still_a_request_for_an_example():
    assert asked("an example where the assumption held").kind == CASE


def test_the_reason_quotes_the_words_and_a_plain_query_has_none():
    assert asked("how many people were helped").why() == "the question asks for figures (“how many”)"
    assert asked("").why() == "" and asked("   ").kind == ""


def test_words_inside_other_words_do_not_count():
    # "counterexample" is no request for an example; "refigured" no request for figures
    assert asked("a counterexample to the theory").kind == "" and asked("we refigured the plan").kind == ""
    # a word that only begins like a form word: premises are buildings, "figured" is no request for figures
    assert asked("finding premises and equipment for a start-up").kind == ""
    assert asked("we figured out the rota ourselves").kind == ""
    assert asked("examples of this").kind == CASE and asked("the premise behind coaching").kind == ASSUMPTION
