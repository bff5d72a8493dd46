"""Channels around the assistant: language detection shared with Rasa, terminal chat, Telegram."""
