"""What the Rasa server and the action server share about understanding a message: the custom
NLU components that config.yml names (`intent_classifier`, `response_selector`, `human_request`,
`language_detector`, with `tfidf` their shared classifier), and the plain-Python detection they and
the actions use (`language`, `person_words`): the action server imports only those two, never Rasa.

It imports nothing of the project: neither the actions, nor the channels in `bot/`.
"""
