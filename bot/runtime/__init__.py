"""How the assistant starts: `settings` (environment only, read once), `supervisor` (trains if
needed, starts and stops the action server and the Rasa server), `logs` (redaction of secrets),
`console` (the terminal chat over Rasa, when no Telegram token is set)."""
