"""Ingest is linear in its input (issue 16): each superlinear step that was fixed, held by a count of its work.

No clock: each test feeds a 200 KB adversarial document (the shapes of ``bench/ingest_scaling.py``) through the
real stage and counts what the fixed code does per unit of input, where the old code's count grew with the input.
The timings themselves live in the benchmark (``bench/results/ingest_scaling.md``).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import URIRef

from bench.ingest_scaling import make_text
from ingest import rdf
from ingest.entities import _merge_variants, _prefix_index, _proper_prefixes, _starting, find_entities
from ingest.extract import extract
from ingest.links import stage
from ingest.merge import merge
from ingest.model import Item, Span
from ingest.readers import read_document

SIZE = 200_000


def _extraction(tmp_path: Path, shape: str):
    f = tmp_path / f"{shape}.md"
    f.write_text(make_text(shape, SIZE), encoding="utf-8")
    doc = read_document(f)
    return doc, extract(doc)


def _graph(tmp_path: Path):
    """The prose document through extraction, entities, merge and RDF: what the link stage reads."""
    doc, ex = _extraction(tmp_path, "prose")
    find_entities(ex)
    nodes, _ = merge([ex])
    g = rdf.new_graph()
    rdf.add_document(g, doc, ex.sections, URIRef("urn:test:run"))
    rdf.add_nodes(g, nodes, {doc.doc_id: doc.text})
    return doc, ex, nodes, g


class CountingList(list):
    """A list that counts how often it is walked from the start."""

    def __init__(self, *a):
        super().__init__(*a)
        self.walks = 0

    def __iter__(self):
        self.walks += 1
        return super().__iter__()


def test_a_passage_with_thousands_of_mentions_has_its_relations_walked_a_few_times(tmp_path):
    """One long line is one passage naming thousands of things; relating each one used to rebuild the set of
    the passage's relations from its whole list (a walk per mention: quadratic). Now the list is walked
    a fixed number of times, however many mentions it holds."""
    _doc, ex = _extraction(tmp_path, "one_line")
    for it in ex.items:
        it.relations = CountingList(it.relations)
    find_entities(ex)
    busiest = max((it for it in ex.items if isinstance(it.relations, CountingList)), key=lambda it: len(it.relations))
    assert len(busiest.relations) > 500  # the shape really is adversarial: the old code walked it per mention
    assert busiest.relations.walks <= 5, busiest.relations.walks


def test_many_organisations_sharing_first_words_are_matched_through_a_bounded_index(tmp_path):
    """Title Case runs give hundreds of organisations with the same first word; every short name was compared
    with all of them. The prefix index answers each lookup from at most two candidates."""
    _doc, ex = _extraction(tmp_path, "title_case")
    find_entities(ex)
    orgs = [it for it in ex.items if it.cls == "Organisation"]
    firsts: dict[str, int] = {}
    for o in orgs:
        first = o.label.split()[0].lower()
        firsts[first] = firsts.get(first, 0) + 1
    assert len(orgs) > 500 and max(firsts.values()) > 40  # the old scan compared each short name with these
    for lengths in (_proper_prefixes, lambda words: range(2, len(words) + 1)):
        index = _prefix_index(orgs, lengths)
        assert index and max(len(v) for v in index.values()) <= 2


def _org(label: str) -> Item:
    return Item("Organisation", label, label, [Span("d", 0, len(label), "", -1, "mention")])


def test_a_short_name_merges_into_its_one_longer_name_and_an_ambiguous_one_stays():
    """The index gives the scan's answer: a prefix of exactly one longer name (whose rest holds no 'and')."""

    class Found:
        def __init__(self, items):
            self.items = {("Organisation", it.label.lower()): it for it in items}

    class Ex:
        items: list[Item] = []

    names = ["Hollin Bank", "Hollin Bank Community Co-operative", "Calder Trust", "Calder Trust North",
             "Calder Trust South", "Anchor", "Anchor and Partners Network", "Wealth Building"]
    items = [_org(n) for n in names]
    found = Found(items)
    _merge_variants(found, Ex())
    kept = sorted(it.label for _, it in found.items.items())
    assert kept == ["Anchor", "Anchor and Partners Network", "Calder Trust", "Calder Trust North",
                    "Calder Trust South", "Hollin Bank Community Co-operative", "Wealth Building"]
    merged = found.items[("Organisation", "hollin bank community co-operative")]
    assert merged.alt_labels == ["Hollin Bank"] and len(merged.spans) == 2
    index = _prefix_index(items, _proper_prefixes)
    assert [it.label for it in _starting(index, ["calder", "trust"])] == ["Calder Trust North", "Calder Trust South"]
    assert _starting(index, ["anchor"]) == []  # its one longer name adds 'and': not a variant of it


def test_evidence_sentences_find_their_section_without_walking_the_document(tmp_path, monkeypatch):
    """Each evidence span's section was found by walking everything ``ep:partOf`` the document (every node
    without a section, too): a walk per span. The section starts are read once; a span costs one lookup."""
    doc, ex, nodes, g = _graph(tmp_path)
    sections = stage.SectionStarts(g)
    starts = sorted(s for s, *_ in ex.sections if s > 0)  # a section at 0 was never chosen (read as "no start")
    assert sections.starts[rdf.doc_uri(doc.doc_id)] == starts and len(starts) > 20
    spans = [sp for n in nodes if n.cls in ("Evidence", "Figure") for sp in n.spans][:200]  # every figure's sentence
    assert len(spans) == 200
    calls = 0
    triples = g.triples

    def counted(*a, **k):
        nonlocal calls
        calls += 1
        return triples(*a, **k)

    monkeypatch.setattr(g, "triples", counted)
    for sp in spans:
        u = stage._span(g, sp, {doc.doc_id: doc.text}, sections)
        held = max((s for s in starts if s <= sp.start), default=-1)
        assert (u, URIRef("https://w3id.org/empowering-places/ontology#section"),
                rdf.section_uri(doc.doc_id, held)) in g or held < 0
    assert calls <= 3 * len(spans), calls  # one membership check per span (and the check above)


def test_a_cue_sentence_is_checked_against_the_spans_near_it_only(tmp_path):
    """The textual linker asked, for every sentence with a causal cue, which nodes hold it, by checking every
    span of the document (quadratic). Spans are bucketed by position: the answer is the full scan's, from a
    bucket that holds a small share of the document's spans."""
    from graph.store import KnowledgeGraph
    from ingest.links.match import Elements
    from ingest.links.textual import TextualLinker, document_sentences

    doc, ex, nodes, g = _graph(tmp_path)
    kg = KnowledgeGraph(g)
    linker = TextualLinker(Elements(kg), {doc.doc_id: doc.text}, {doc.doc_id: ex.blocks})
    spans = [(s.start, s.end, n) for n in kg.nodes.values() for s in n.sources
             if s.role in ("full", "summary") and s.start >= 0 and s.doc_id == doc.doc_id]
    buckets = linker._containers[doc.doc_id]
    assert len(spans) > 500 and max(len(b) for b in buckets.values()) < len(spans) / 10
    for sent in document_sentences(doc.doc_id, doc.text, ex.blocks)[::7]:
        scan = [n for s, e, n in spans if s <= sent.start and sent.end <= e]
        assert {n.id for n in linker.containers(sent)} == {n.id for n in scan}


def test_names_before_an_acronym_or_a_fund_are_bounded_so_a_long_title_case_run_is_linear():
    """A name that must end at "(ACR)" or "… Fund" was tried from every capitalised word of a run, each try
    scanning the rest of the run (4,000 words: 7.7 s; quadratic). Names are at most NAME_WORDS words, so a try
    scans a bounded stretch; real names are far shorter and found whole."""
    from ingest.entities import _ACRONYM_DEF, _PROGRAMME, NAME_WORDS

    words = ["Community", "Business", "Support", "Local", "Network", "Wealth", "Building", "Anchor"]
    run = " ".join(words[i % len(words)] for i in range(5000))
    m = _ACRONYM_DEF.search(f"The {run} (CBS) worked with it.")
    assert m and m["acr"] == "CBS" and len(m["name"].split()) == NAME_WORDS + 1
    assert m["name"].endswith("Building Anchor")
    m = _PROGRAMME[2].search(f"The {run} Fund paid for it.")
    assert m and m["name"].endswith("Anchor Fund") and len(m["name"].split()) == NAME_WORDS + 2
    real = "the Centre for Local Economic Strategies (CLES) and the Community Business Fund"
    assert _ACRONYM_DEF.search(real)["name"] == "Centre for Local Economic Strategies"
    assert _PROGRAMME[2].search(real)["name"] == "Community Business Fund"


def test_names_before_a_description_or_a_programme_are_bounded_too():
    """ "X, a charity", "X, a programme" and "X’s … Programme" are tried from every capitalised word as well: the
    same bound keeps a long Title Case run linear, and real names are found whole."""
    from ingest.entities import _NOT_ORG_APPOSITIVE, _ORG_APPOSITIVE, _PROGRAMME_OWNER, NAME_WORDS

    words = ["Community", "Business", "Support", "Local", "Network", "Wealth", "Building", "Anchor"]
    run = " ".join(words[i % len(words)] for i in range(5000))
    for pat, text in ((_ORG_APPOSITIVE, f"The {run}, a charity in Leeds."),
                      (_NOT_ORG_APPOSITIVE, f"The {run}, a programme for Leeds."),
                      (_PROGRAMME_OWNER, f"The {run}’s Bright Ideas Programme.")):
        m = pat.search(text)
        assert m and len(m["name"].split()) == NAME_WORDS + 1 and "Building Anchor" in m["name"]
    assert _ORG_APPOSITIVE.search("In Bristol, Harcourt Pre-school, a nursery that families value")["name"] \
        == "Harcourt Pre-school"
    assert _PROGRAMME_OWNER.search("a place on Power to Change’s Bright Ideas Programme")["name"] \
        == "Power to Change’s"


# ---- issue 27, item 6: two readers that were quadratic -----------------------------------------------


def test_hard_wrapped_prose_is_joined_with_work_linear_in_its_length(monkeypatch):
    """A paragraph hard-wrapped over 8,000 lines (84 s before): each line used to re-copy and re-collapse the whole
    paragraph so far. Now every character goes through ``collapse`` a fixed number of times, and the paragraph
    is still one block whose raw text is the exact slice."""
    from ingest import structure

    line = "the connectors referred new businesses to coaching and kept on meeting them"
    text = "\n".join([line] * 8000)
    seen = [0]
    real = structure.collapse

    def counting(s: str) -> str:
        seen[0] += len(s)
        return real(s)

    monkeypatch.setattr(structure, "collapse", counting)
    blocks = structure.parse_blocks(text)
    assert len(blocks) == 1 and blocks[0].raw == text and blocks[0].text == " ".join([line] * 8000)
    assert seen[0] <= 3 * len(text), seen[0] / len(text)  # the old join: ~4,000 times the text


def test_stray_end_tags_after_unclosed_ones_do_not_walk_the_open_tags():
    """10,000 unclosed tags then 10,000 end tags that close nothing (90 KB took 6 s, a 225 KB upload 77 s): each
    stray end tag walked every open tag to look for its match. Now the open tags are counted by name."""
    from ingest.readers import _TextExtractor, doc_from_bytes

    html = "<html><body><p>" + "<span>word " * 10_000 + "</em> " * 10_000 + "</p></body></html>"
    parser = _TextExtractor()
    parser.stack = CountingList()
    parser.feed(html)
    parser.close()
    assert len(parser.stack) == 0 and parser.stack.walks == 0, parser.stack.walks  # the old code: 10,000 walks
    assert doc_from_bytes(html.encode(), "unclosed.html").text.split() == ["word"] * 10_000


def test_a_blank_line_ends_a_sentence_so_a_title_line_stays_apart():
    """A plain-text file's title line has no full stop; it was read into the first sentence of the text under it.
    A blank line ends a sentence; a single line break inside a sentence does not, nor does an abbreviation."""
    from graph.text.sentences import sentences

    t = "Larkfield Village Store\n\nIn 2022 residents bought it,\nwith help. Mr. Pryce said e.g. this.\n \n\nLast one"
    assert [t[s:e] for s, e in sentences(t)] == [
        "Larkfield Village Store", "In 2022 residents bought it,\nwith help.", "Mr. Pryce said e.g. this.", "Last one"]
    # a Markdown heading (as an HTML page's heading reads once converted) ends at its line, and is its words only
    # (a case link quoted "# Lowmoor Repair Café Trust In 2023 the hub repaired …"); a hashtag is no heading
    t = "# Lowmoor Repair Café Trust\nIn 2023 the hub repaired 400 items.\n## Odd\nSome text. #hashtag here."
    assert [t[s:e] for s, e in sentences(t)] == [
        "Lowmoor Repair Café Trust", "In 2023 the hub repaired 400 items.", "Odd", "Some text. #hashtag here."]


def test_a_sentence_ends_after_the_closing_quote_of_a_quoted_one():
    """A quoted sentence and the next were one "sentence" (a case link quoted “… owns.” The Bakehouse buys …, which
    showed neither element; found in a browser walk). Abbreviations still do not end one."""
    from graph.text.sentences import sentences

    t = ('She said: "What we have now is a business the whole street owns." The Bakehouse buys its flour locally. '
         "It is “good.” Then more. See e.g. This one.")
    assert [t[s:e] for s, e in sentences(t)] == [
        'She said: "What we have now is a business the whole street owns."', "The Bakehouse buys its flour locally.",
        "It is “good.”", "Then more.", "See e.g. This one."]
