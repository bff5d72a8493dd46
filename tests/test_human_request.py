"""Any wording of "I want a person" hands over; questions that merely mention people do not."""
import pytest

from nlu_components.person_words import asks_for_a_person


@pytest.mark.parametrize("text", ["jveux parler a qqn c urgent", "je voudrais parler à quelqu'un svp",
                                  "can i talk to a real person asap", "I want to speak to someone",
                                  "un humain stp", "je veux contacter le bureau de la mobilité",
                                  "can I speak with an advisor", "need to talk to a human",
                                  "est-ce que je peux voir une conseillère ?", "human pls",
                                  "can you connect me with the SPOC of my faculty?", "passez-moi un responsable",
                                  "y a quelqu'un de dispo ?", "put me in touch with the mobility office",
                                  "est-ce qu'une personne du bureau peut regarder mon dossier ?",
                                  "could someone at the mobility office check my exemption file?",
                                  "is someone available now?", "can somebody from the office phone me tomorrow?",
                                  "quelqu'un du bureau peut me rappeler svp ?", "please give me a call, it's about my file"])
def test_a_request_for_a_person_is_recognised_however_it_is_written(text):
    assert asks_for_a_person(text)


@pytest.mark.parametrize("text", ["je veux partir à Metz", "do I need to see a doctor for the exemption",
                                  "who signs my learning agreement", "I need staff mobility info",
                                  "je dois contacter l'université d'accueil ?", "how do I reach Lisbon",
                                  "can I talk about my exemption", "i need someone to sign my LA",
                                  "what does the SPOC do?", "who is the coordinator for Erasmus in law",
                                  "is the mobility office available in August?", "who checks my learning agreement?",
                                  "I will call my parents tonight", "dois-je appeler l'université d'accueil ?",
                                  "the host said they will email me the LA"])
def test_a_question_that_mentions_people_is_not_a_request_for_one(text):
    assert not asks_for_a_person(text)
