"""The page, read once: what each line is (``layout``), the lines measured and classified
(``analysis``), and the reading into paragraphs (``reading``).

Below both normalize (which scopes its space and quote rules by what it reads) and repair
(which writes the reading out); neither stage imports the other."""
