"""The mobility office's report (deflection, questions, what failed): its room, still empty.

It will read the analytics tables (declared in `bot.storage.schema`) and never a student's
identity.
"""
