"""How the assistant starts: `settings` (environment only, read once), `supervisor` (trains if
needed, starts, watches, restarts and stops the action server and the Rasa server), `children`
(child processes that die with the adapter), `logs` (redaction of secrets; appended, rotated server
logs), `console` (the terminal chat over Rasa, when no Telegram token is set)."""
