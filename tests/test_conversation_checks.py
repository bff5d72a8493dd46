"""The conversation benchmark's own checks (benchmarks/conversations.py): what counts as the right answer."""
from benchmarks.conversations import _faq_answers, _faq_topic_texts, cites


def test_an_faq_answer_counts_only_when_it_is_the_expected_topics_own_response():
    transcript = _faq_topic_texts("faq/transcript", "en")[0]
    assert _faq_answers({"question": "faq/transcript", "outcome": "info"}, [transcript], "en")
    assert not _faq_answers({"question": "faq/support", "outcome": "info"}, [transcript], "en")


def test_an_faq_answer_in_the_other_language_does_not_count():
    french = _faq_topic_texts("faq/transcript", "fr")[0]
    assert not _faq_answers({"question": "faq/transcript", "outcome": "info"}, [french], "en")


def test_an_expected_article_matches_its_paragraphs_but_not_another_article():
    assert cites("Art. 5", ["Art. 5(4)"])
    assert not cites("Art. 5", ["Art. 50"])
    assert cites("Master", ["Master: funding"])
