"""What the Rasa server and the action server share about understanding a message: the custom
NLU components that config.yml names (`language_detector`, `intent_classifier`) and the language
detection they and the actions use (`language`).

It imports nothing of the project: neither the actions, nor the channels in `bot/`.
"""
