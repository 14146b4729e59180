import os

# Tests run with the development defaults; production settings are tested explicitly.
os.environ.setdefault("DEBUG", "1")
