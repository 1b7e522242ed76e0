"""Trigger-language engine: word lists (lexicon), normalised views, matcher and amount grammar.

Pure: no I/O beyond reading list files, no asyncio, nothing from server/.
"""
