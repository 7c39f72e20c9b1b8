"""Source strings are English: the en catalogue repeats each msgid as its msgstr, so it stays complete."""
import sys

from babel.messages.pofile import read_po, write_po

path = sys.argv[1]
with open(path, "rb") as handle:
    catalog = read_po(handle)
for message in catalog:
    if message.id and not message.string:
        message.string = message.id
with open(path, "wb") as handle:
    write_po(handle, catalog, width=100)
