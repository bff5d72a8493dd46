"""The Rasa action server: thin actions that read slots, call the rules core, reply."""
